/**
 * The bridge's subscription layer: the node table (one event-bus consumer per address, not per browser), each
 * address's history window and newest-per-key snapshot with the resume decision, each connection's subscriptions,
 * and the bounded hand-off of messages from the table's event loop to the connections' loops.
 */
package dev.opshub.web.bridge.subscription;
