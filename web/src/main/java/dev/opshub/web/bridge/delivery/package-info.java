/**
 * The bridge's delivery layer: each connection's bounded queue with conflation ({@link
 * dev.opshub.web.bridge.delivery.ConnectionOutbox}), its burst pace, where frames are cut and how long a partial
 * batch lingers, and per event loop the flush scheduler with its linger wheel and the cache of frames shared by
 * sockets. Time comes from the event loop's clock, so all of it is tested step by step.
 */
package dev.opshub.web.bridge.delivery;
