/**
 * The fan-out bridge: our own SockJS WebSocket transport speaking the Vert.x event-bus bridge protocol, with a
 * node-local subscription table, per-connection batching, bounded queues with conflation, resume/snapshot and limits.
 * Public surface: {@link dev.opshub.web.bridge.FanoutBridge} and {@link dev.opshub.web.bridge.BridgeOptions}.
 */
package dev.opshub.web.bridge;
