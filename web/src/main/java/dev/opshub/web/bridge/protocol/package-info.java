/**
 * The bridge's top layer: what a client sends. Parsing and checking its SockJS frames and bridge messages, the
 * permissions, the inbound rate limit, the ping barrier, and the relay of operator controls to the event bus; the
 * answers go down to the connection's outbox.
 */
package dev.opshub.web.bridge.protocol;
