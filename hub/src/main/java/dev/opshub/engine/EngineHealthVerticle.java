package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.NodeStats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs on the active engine only: republishes agents' status ({@code internal.agents.status}) on
 * {@code ops.agents.state} (key = agent id) and nodes' figures ({@code internal.nodes.stats}) on {@code ops.health}
 * (key {@code node:<id>}), and every {@link #AGENT_HEALTH_PERIOD_MS} publishes each agent's health (key
 * {@code agent:<id>}): state, node, last seen, heartbeat age, degraded/failed, or {@code missing} when silent.
 * A node silent for {@link #NODE_EXPIRY_MS} gets one last {@code "status":"down"} entry and is forgotten.
 */
public final class EngineHealthVerticle extends VerticleBase {

  /** Period of the per-agent health entries. */
  public static final long AGENT_HEALTH_PERIOD_MS = 2_000;
  /** An agent without a heartbeat for longer than this is reported {@code missing}. */
  public static final long AGENT_MISSING_MS = 6_000;
  /** An agent silent for this long is forgotten (after being reported missing). */
  public static final long AGENT_EXPIRY_MS = 5 * 60_000;
  /** A node silent for this long is reported down and forgotten. */
  public static final long NODE_EXPIRY_MS = 10_000;
  /** Bound on tracked nodes. */
  public static final int MAX_NODES = 1_024;

  private static final Logger LOG = LoggerFactory.getLogger(EngineHealthVerticle.class);

  private final StreamPublisher publisher;
  private final Map<AgentId, AgentSeen> agents = new EnumMap<>(AgentId.class);
  private final Map<String, Long> nodesLastSeen = new LinkedHashMap<>();
  private long rejected;

  public EngineHealthVerticle(StreamPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public Future<?> start() {
    Future<Void> statuses = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_STATUS, this::onAgentStatus).completion();
    Future<Void> stats = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_NODE_STATS, this::onNodeStats).completion();
    vertx.setPeriodic(AGENT_HEALTH_PERIOD_MS, id -> publishHealthRound());
    return Future.all(statuses, stats);
  }

  private void onAgentStatus(Message<JsonObject> message) {
    AgentStatus status;
    try {
      status = AgentStatus.fromJson(message.body());
    } catch (RuntimeException e) {
      reject("agent status", e);
      return;
    }
    long now = System.currentTimeMillis();
    AgentSeen seen = agents.computeIfAbsent(status.agent(), a -> new AgentSeen());
    seen.status = status;
    seen.lastSeen = now;
    JsonObject body = status.toJson();
    body.put("sentTs", body.remove("ts"));
    publisher.publish(Addresses.AGENTS_STATE, status.agent().wireName(), body);
  }

  private void onNodeStats(Message<JsonObject> message) {
    NodeStats stats;
    try {
      stats = NodeStats.fromJson(message.body());
    } catch (RuntimeException e) {
      reject("node stats", e);
      return;
    }
    if (stats.nodeId() == null) {
      reject("node stats", new IllegalArgumentException("nodeId is missing"));
      return;
    }
    if (!nodesLastSeen.containsKey(stats.nodeId()) && nodesLastSeen.size() >= MAX_NODES) {
      reject("node stats", new IllegalStateException("more than " + MAX_NODES + " nodes"));
      return;
    }
    nodesLastSeen.put(stats.nodeId(), System.currentTimeMillis());
    JsonObject body = stats.toJson()
        .put("kind", "node")
        .put("status", "up");
    body.put("measuredTs", body.remove("ts"));
    publisher.publish(Addresses.HEALTH, "node:" + stats.nodeId(), body);
  }

  private void publishHealthRound() {
    long now = System.currentTimeMillis();
    for (Iterator<Map.Entry<String, Long>> it = nodesLastSeen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> node = it.next();
      if (now - node.getValue() > NODE_EXPIRY_MS) {
        it.remove();
        LOG.info("node {} silent for {} ms, reported down", node.getKey(), now - node.getValue());
        publisher.publish(Addresses.HEALTH, "node:" + node.getKey(), new JsonObject()
            .put("kind", "node").put("nodeId", node.getKey()).put("status", "down").put("lastSeen", node.getValue()));
      }
    }
    for (Iterator<Map.Entry<AgentId, AgentSeen>> it = agents.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<AgentId, AgentSeen> entry = it.next();
      AgentSeen seen = entry.getValue();
      long age = now - seen.lastSeen;
      publisher.publish(Addresses.HEALTH, "agent:" + entry.getKey().wireName(), agentHealth(seen.status, seen.lastSeen, age));
      if (age > AGENT_EXPIRY_MS) {
        it.remove();
      }
    }
  }

  /** The per-agent health body: state, node, last seen, heartbeat age, degraded/failed/missing. */
  static JsonObject agentHealth(AgentStatus status, long lastSeen, long heartbeatAgeMs) {
    boolean missing = heartbeatAgeMs > AGENT_MISSING_MS;
    boolean degraded = status.state() == AgentState.DEGRADED;
    boolean failed = status.state() == AgentState.FAILED;
    String verdict = missing ? "missing" : failed ? "failed" : degraded ? "degraded" : "ok";
    return new JsonObject()
        .put("kind", "agent")
        .put("agent", status.agent().wireName())
        .put("state", status.state().wireName())
        .put("node", status.node())
        .put("lastSeen", lastSeen)
        .put("heartbeatAgeMs", heartbeatAgeMs)
        .put("degraded", degraded)
        .put("failed", failed)
        .put("missing", missing)
        .put("fault", status.fault())
        .put("status", verdict);
  }

  private void reject(String what, RuntimeException e) {
    rejected++;
    // bad input must not flood the log: the first and then every 1000th
    if (rejected == 1 || rejected % 1_000 == 0) {
      LOG.warn("ignored malformed {} ({} so far): {}", what, rejected, e.getMessage());
    }
  }

  private static final class AgentSeen {
    private AgentStatus status;
    private long lastSeen;
  }

}
