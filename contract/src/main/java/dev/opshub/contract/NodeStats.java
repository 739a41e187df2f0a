package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeStats(String nodeId, List<String> roles, long heapUsedBytes, long heapMaxBytes, double processCpu,
                        double eventLoopDelayMs, long connections, double deliveriesPerSec, long ts) {

  public NodeStats {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static NodeStats fromJson(JsonObject json) {
    return ContractJson.fromJson(json, NodeStats.class);
  }
}
