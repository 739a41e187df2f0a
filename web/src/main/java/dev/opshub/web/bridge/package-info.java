/**
 * The fan-out bridge: {@link dev.opshub.web.bridge.FanoutBridge} and {@link dev.opshub.web.bridge.BridgeOptions} are
 * its public surface; each connection is a {@code BridgeConnection} that puts the four layers together, data flowing
 * one way down: {@code protocol} (what a client sends), {@code subscription} (the node table), {@code delivery}
 * (queues, pace, frames) and {@code transport} (the socket). See docs/BRIDGE.md and docs/ARCHITECTURE.md.
 */
package dev.opshub.web.bridge;
