package dev.opshub.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A node's own figures, sent about every second on {@link Addresses#INTERNAL_NODE_STATS}; the engine
 * republishes them on {@link Addresses#HEALTH} with key {@code node:<nodeId>}.
 *
 * @param nodeId           the node's id (cluster node id, or a generated one when not clustered)
 * @param roles            roles the node runs
 * @param heapUsedBytes    JVM heap in use
 * @param heapMaxBytes     JVM heap limit
 * @param processCpu       process CPU load 0..1 (all cores), or -1 when unknown
 * @param eventLoopDelayMs measured event-loop delay (timer lateness), milliseconds
 * @param connections      open bridge connections (0 on nodes without the web role)
 * @param deliveriesPerSec bridge messages delivered to sockets per second over the last interval
 * @param ts               epoch milliseconds when measured
 */
public record NodeStats(String nodeId, List<String> roles, long heapUsedBytes, long heapMaxBytes, double processCpu,
                        double eventLoopDelayMs, long connections, double deliveriesPerSec, long ts) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("roles", new JsonArray(List.copyOf(roles)))
        .put("heapUsedBytes", heapUsedBytes)
        .put("heapMaxBytes", heapMaxBytes)
        .put("processCpu", processCpu)
        .put("eventLoopDelayMs", eventLoopDelayMs)
        .put("connections", connections)
        .put("deliveriesPerSec", deliveriesPerSec)
        .put("ts", ts);
  }

  @SuppressWarnings("unchecked")
  public static NodeStats fromJson(JsonObject json) {
    JsonArray roles = json.getJsonArray("roles", new JsonArray());
    return new NodeStats(
        json.getString("nodeId"),
        (List<String>) (List<?>) roles.getList(),
        json.getLong("heapUsedBytes", 0L),
        json.getLong("heapMaxBytes", 0L),
        json.getDouble("processCpu", -1.0),
        json.getDouble("eventLoopDelayMs", 0.0),
        json.getLong("connections", 0L),
        json.getDouble("deliveriesPerSec", 0.0),
        json.getLong("ts", 0L));
  }
}
