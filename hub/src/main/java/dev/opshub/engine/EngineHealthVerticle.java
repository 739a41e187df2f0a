package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.Clock;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.NodeStats;
import dev.opshub.engine.HealthTracker.AgentAvailable;
import dev.opshub.engine.HealthTracker.AgentMissing;
import dev.opshub.engine.HealthTracker.AgentView;
import dev.opshub.engine.HealthTracker.Change;
import dev.opshub.engine.HealthTracker.DownReason;
import dev.opshub.engine.HealthTracker.NodeDown;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs on the active engine only, the health keeper: republishes agents' status ({@code internal.agents.status}) on
 * {@code ops.agents.state} (key = agent id) and nodes' figures ({@code internal.nodes.stats}) on {@code ops.health}
 * (key {@code node:<id>}), and every {@link #AGENT_HEALTH_PERIOD_MS} publishes each agent's health (key
 * {@code agent:<id>}). The rules of {@link HealthTracker} decide, from the member list of the node-local map (read on
 * every {@link Addresses#LOCAL_MEMBERSHIP_CHANGED} and every round) and the clock, when a node is {@code down} (left
 * the cluster, or silent) and an agent {@code missing}: then it publishes so at once on both streams, and each
 * agent's availability on {@link Addresses#LOCAL_AGENT_AVAILABILITY} for the domain engine (from the first round on,
 * when that engine is deployed, then on every change). What it published is kept in the cluster ({@link KnownNodes}),
 * read at start: nodes and agents the previous engine showed up that are gone now are published down and missing.
 */
public final class EngineHealthVerticle extends VerticleBase {

  /** Period of the per-agent health entries. */
  public static final long AGENT_HEALTH_PERIOD_MS = 2_000;
  /** An agent without a heartbeat for longer than this is reported {@code missing}. */
  public static final long AGENT_MISSING_MS = HealthTracker.AGENT_MISSING_MS;
  /** A missing agent's health entry is republished for this long, then no more (the missing one stays). */
  public static final long AGENT_EXPIRY_MS = HealthTracker.AGENT_EXPIRY_MS;
  /** A node silent for this long is reported down and forgotten. */
  public static final long NODE_EXPIRY_MS = HealthTracker.NODE_EXPIRY_MS;
  /** Bound on tracked nodes. */
  public static final int MAX_NODES = HealthTracker.MAX_NODES;

  private static final Logger LOG = LoggerFactory.getLogger(EngineHealthVerticle.class);

  private final StreamPublisher publisher;
  private final Clock clock;
  private HealthTracker tracker;
  private KnownNodes known;
  private boolean announcing;
  private long rejected;

  public EngineHealthVerticle(StreamPublisher publisher) {
    this(publisher, Clock.SYSTEM);
  }

  EngineHealthVerticle(StreamPublisher publisher, Clock clock) {
    this.publisher = publisher;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    tracker = new HealthTracker(clock);
    known = new KnownNodes(vertx);
    apply(tracker.onMembers(members()));
    Future<Void> statuses = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_STATUS, this::onAgentStatus).completion();
    Future<Void> stats = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_NODE_STATS, this::onNodeStats).completion();
    Future<Void> membership = vertx.eventBus().localConsumer(Addresses.LOCAL_MEMBERSHIP_CHANGED,
        m -> apply(tracker.onMembers(members()))).completion();
    vertx.setPeriodic(AGENT_HEALTH_PERIOD_MS, id -> publishHealthRound());
    // in the background: the record must not hold up an engine taking over
    known.load().onSuccess(this::adopt);
    return Future.all(statuses, stats, membership);
  }

  private void onAgentStatus(Message<JsonObject> message) {
    AgentStatus status;
    try {
      status = AgentStatus.fromJson(message.body());
    } catch (RuntimeException e) {
      reject("agent status", e);
      return;
    }
    if (status.state() == AgentState.MISSING || status.node() == null) {
      reject("agent status", new IllegalArgumentException("an agent reports its node and never the state missing"));
      return;
    }
    if (tracker.gone(status.node())) {
      return;
    }
    JsonObject body = status.toJson();
    body.put("sentTs", body.remove("ts"));
    publisher.publish(Addresses.AGENTS_STATE, status.agent().wireName(), body);
    tracker.onAgentStatus(status).ifPresent(change -> apply(List.of(change)));
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
    if (tracker.gone(stats.nodeId())) {
      return;
    }
    HealthTracker.NodeSeen seen = tracker.onNodeStats(stats.nodeId());
    if (seen == HealthTracker.NodeSeen.FULL) {
      reject("node stats", new IllegalStateException("more than " + MAX_NODES + " nodes"));
      return;
    }
    JsonObject body = stats.toJson()
        .put("kind", "node")
        .put("status", "up");
    body.put("measuredTs", body.remove("ts"));
    publisher.publish(Addresses.HEALTH, "node:" + stats.nodeId(), body);
    if (seen == HealthTracker.NodeSeen.NEW) {
      syncKnown();
    }
  }

  private void adopt(Map<String, JsonObject> entries) {
    Map<String, Long> nodes = new HashMap<>();
    Map<AgentId, String> agents = new EnumMap<>(AgentId.class);
    entries.forEach((key, value) -> {
      if (key.startsWith(KnownNodes.NODE_PREFIX)) {
        nodes.put(key.substring(KnownNodes.NODE_PREFIX.length()), value.getLong(KnownNodes.LAST_SEEN, 0L));
      } else if (key.startsWith(KnownNodes.AGENT_PREFIX)) {
        try {
          agents.put(AgentId.fromWire(key.substring(KnownNodes.AGENT_PREFIX.length())), value.getString(KnownNodes.NODE));
        } catch (IllegalArgumentException e) {
          // not an agent of this version: forgotten at the next sync
        }
      }
    });
    apply(tracker.adopt(nodes, agents));
    syncKnown();
  }

  private void publishHealthRound() {
    apply(tracker.onMembers(members()));
    apply(tracker.tick());
    for (AgentView view : tracker.agentsToReport()) {
      publishAgentHealth(view);
    }
    if (!announcing) {
      // the domain engine is deployed after this verticle: it hears every agent's availability from here on
      announcing = true;
      for (AgentId agent : AgentId.values()) {
        AgentView view = tracker.agent(agent);
        if (view.available() || view.missing()) {
          announceAvailability(agent, view.available(), view.node());
        }
      }
    }
    syncKnown();
  }

  private void apply(List<Change> changes) {
    for (Change change : changes) {
      if (change instanceof NodeDown down) {
        LOG.info("node {} down: {}, last seen {} ms ago", down.nodeId(), down.reason() == DownReason.LEFT
            ? "left the cluster" : "silent", clock.currentTimeMillis() - down.lastSeen());
        publisher.publish(Addresses.HEALTH, "node:" + down.nodeId(), new JsonObject()
            .put("kind", "node").put("nodeId", down.nodeId()).put("status", "down").put("lastSeen", down.lastSeen())
            .put("reason", down.reason().wireName()));
      } else if (change instanceof AgentMissing missing) {
        AgentView view = tracker.agent(missing.agent());
        LOG.info("agent {} missing: {}", missing.agent().wireName(), why(view));
        publisher.publish(Addresses.AGENTS_STATE, missing.agent().wireName(), missingState(view, clock.currentTimeMillis()));
        publishAgentHealth(view);
        announceAvailability(missing.agent(), false, missing.node());
      } else if (change instanceof AgentAvailable available) {
        LOG.debug("agent {} available on node {}", available.agent().wireName(), available.node());
        announceAvailability(available.agent(), true, available.node());
      }
    }
    if (!changes.isEmpty()) {
      syncKnown();
    }
  }

  private void announceAvailability(AgentId agent, boolean available, String node) {
    if (announcing) {
      vertx.eventBus().publish(Addresses.LOCAL_AGENT_AVAILABILITY, new JsonObject()
          .put("agent", agent.wireName()).put("available", available).put("node", node),
          new DeliveryOptions().setLocalOnly(true));
    }
  }

  private void publishAgentHealth(AgentView view) {
    long now = clock.currentTimeMillis();
    JsonObject body = view.missing()
        ? missingHealth(view, now)
        : agentHealth(view.status(), view.lastSeen(), now - view.lastSeen());
    publisher.publish(Addresses.HEALTH, "agent:" + view.agent().wireName(), body);
  }

  private void syncKnown() {
    Map<String, JsonObject> desired = new HashMap<>();
    tracker.nodes().forEach((node, lastSeen) ->
        desired.put(KnownNodes.NODE_PREFIX + node, new JsonObject().put(KnownNodes.LAST_SEEN, lastSeen)));
    for (AgentId agent : AgentId.values()) {
      AgentView view = tracker.agent(agent);
      if (view.node() != null) {
        desired.put(KnownNodes.AGENT_PREFIX + agent.wireName(), new JsonObject().put(KnownNodes.NODE, view.node())
            .put(KnownNodes.LAST_SEEN, view.lastSeen()));
      }
    }
    known.sync(desired);
  }

  /** The member ids in the node-local map, or null when this node keeps none (no membership keeper). */
  private Set<String> members() {
    String json = vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).get(NodeLocalMap.MEMBERS);
    if (json == null) {
      return null;
    }
    try {
      Set<String> ids = new HashSet<>();
      for (Object member : new JsonArray(json)) {
        ids.add(((JsonObject) member).getString("nodeId"));
      }
      return ids;
    } catch (RuntimeException e) {
      reject("member list", e);
      return null;
    }
  }

  /** Why an agent is missing, for its last action and the log. */
  static String why(AgentView view) {
    if (view.reason() == DownReason.LEFT) {
      return "no active instance: node " + view.node() + " left the cluster";
    }
    if (view.lastSeen() < 0) {
      return "no active instance since this engine became active";
    }
    return String.format(Locale.ROOT, "no active instance: no status for %.0f s", AGENT_MISSING_MS / 1000.0);
  }

  /** The {@code ops.agents.state} body of a missing agent: its last status's fields, state {@code missing}. */
  static JsonObject missingState(AgentView view, long now) {
    AgentStatus last = view.status();
    JsonObject body = new AgentStatus(view.agent(), AgentState.MISSING, view.node(),
        last == null ? -1 : last.confidence(), last == null ? null : last.incidentId(),
        last == null ? null : last.drillId(), why(view), last == null ? null : last.fault(), false, now).toJson();
    body.put("sentTs", body.remove("ts"));
    return body;
  }

  /** The per-agent health body: state, node, last seen, heartbeat age, degraded/failed/missing. */
  static JsonObject agentHealth(AgentStatus status, long lastSeen, long heartbeatAgeMs) {
    if (heartbeatAgeMs > AGENT_MISSING_MS) {
      return missingHealth(new AgentView(status.agent(), status, lastSeen, status.node(), false, DownReason.SILENT,
          lastSeen + AGENT_MISSING_MS), lastSeen + heartbeatAgeMs);
    }
    boolean degraded = status.state() == AgentState.DEGRADED;
    boolean failed = status.state() == AgentState.FAILED;
    return new JsonObject()
        .put("kind", "agent")
        .put("agent", status.agent().wireName())
        .put("state", status.state().wireName())
        .put("node", status.node())
        .put("lastSeen", lastSeen)
        .put("heartbeatAgeMs", heartbeatAgeMs)
        .put("degraded", degraded)
        .put("failed", failed)
        .put("missing", false)
        .put("fault", status.fault())
        .put("status", failed ? "failed" : degraded ? "degraded" : "ok")
        .put("reason", null);
  }

  /** The health body of a missing agent: where and when it was last seen (null when never), and why. */
  static JsonObject missingHealth(AgentView view, long now) {
    boolean seen = view.lastSeen() >= 0;
    return new JsonObject()
        .put("kind", "agent")
        .put("agent", view.agent().wireName())
        .put("state", AgentState.MISSING.wireName())
        .put("node", view.node())
        .put("lastSeen", seen ? view.lastSeen() : null)
        .put("heartbeatAgeMs", seen ? Math.max(0, now - view.lastSeen()) : null)
        .put("degraded", false)
        .put("failed", false)
        .put("missing", true)
        .put("fault", view.status() == null ? null : view.status().fault())
        .put("status", "missing")
        .put("reason", view.reason().wireName());
  }

  private void reject(String what, RuntimeException e) {
    rejected++;
    // bad input must not flood the log: the first and then every 1000th
    if (rejected == 1 || rejected % 1_000 == 0) {
      LOG.warn("ignored malformed {} ({} so far): {}", what, rejected, e.getMessage());
    }
  }
}
