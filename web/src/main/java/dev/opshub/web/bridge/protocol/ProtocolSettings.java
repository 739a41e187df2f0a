package dev.opshub.web.bridge.protocol;

import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * Limits and identity of the protocol layer (from the bridge options).
 *
 * @param maxFrameSize        largest SockJS frame from a client, characters
 * @param maxMessageSize      largest bridge message in it, characters
 * @param maxSubscriptions    addresses one connection may register on
 * @param maxInboundPerSecond inbound bridge messages per second per connection
 * @param replyTimeoutMs      timeout of a forwarded control request
 * @param nodeId              answered to {@code ops.ping}
 * @param operatorToken       the operator token, or null
 * @param engineStatus        the engine as this node knows it, answered to {@code ops.ping} (a fresh object, or null
 *                            when unknown)
 */
public record ProtocolSettings(int maxFrameSize, int maxMessageSize, int maxSubscriptions, int maxInboundPerSecond,
                               long replyTimeoutMs, String nodeId, String operatorToken,
                               Supplier<JsonObject> engineStatus) {
}
