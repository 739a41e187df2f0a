package dev.opshub.engine.domain;

import dev.opshub.contract.AgentId;
import dev.opshub.contract.Clock;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.drills.Scenario;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One incident as the engine keeps it (DOMAIN.md fields). Times ({@code *At}) are drill seconds since the drill
 * started, {@code *Ts} wall-clock epoch ms. The status changes only by {@link #enter}, which applies what
 * {@link IncidentLifecycle} allows and nothing else. Its JSON is what {@code ops.incidents} carries and what the
 * cluster map keeps.
 */
final class Incident {

  /** Latest timeline entries kept inside the incident itself. */
  static final int TIMELINE_IN_INCIDENT = 30;

  private final String id;
  private final String drillId;
  private final Scenario scenario;
  private final Clock wall;
  private IncidentStatus status = IncidentStatus.DETECTED;
  private double statusSince;
  private final double detectedAt;
  private double resolvedAt = Double.NaN;
  private double closedAt = Double.NaN;
  private String rootCause;
  private String action;
  private String failureReason;
  private int rounds;
  private boolean approvalRequired;
  private final Set<AgentId> assigned = new LinkedHashSet<>();
  private final Map<IncidentStatus, Double> timeIn = new EnumMap<>(IncidentStatus.class);
  private final Deque<JsonObject> recent = new ArrayDeque<>();
  /** When the incident was opened. */
  private final long detectedTs;
  /** When it was resolved and closed, 0 until then. */
  private long resolvedTs;
  private long closedTs;

  /** An incident detected at drill time {@code detectedAt}, now by {@code wall}. */
  Incident(String id, String drillId, Scenario scenario, double detectedAt, Clock wall) {
    this.id = id;
    this.drillId = drillId;
    this.scenario = scenario;
    this.wall = wall;
    this.detectedAt = detectedAt;
    this.statusSince = detectedAt;
    this.detectedTs = wall.currentTimeMillis();
  }

  String id() {
    return id;
  }

  IncidentStatus status() {
    return status;
  }

  /** Consensus rounds held so far. */
  int rounds() {
    return rounds;
  }

  String rootCause() {
    return rootCause;
  }

  String failureReason() {
    return failureReason;
  }

  void assign(AgentId agent) {
    assigned.add(agent);
  }

  void diagnosed(String cause) {
    rootCause = cause;
  }

  /** Opens the next consensus round; returns its number (from 1). */
  int nextRound() {
    return ++rounds;
  }

  /** A round of this incident needed human approval. */
  void approvalRequired() {
    approvalRequired = true;
  }

  /** The remediation being applied. */
  void acting(String remediation) {
    action = remediation;
  }

  /** Why the incident did not get resolved. */
  void failing(String reason) {
    failureReason = reason;
  }

  void remember(JsonObject entry) {
    recent.addLast(entry);
    while (recent.size() > TIMELINE_IN_INCIDENT) {
      recent.removeFirst();
    }
  }

  /** Moves to {@code to} at drill time {@code t} when the lifecycle allows it; otherwise changes nothing. */
  IncidentLifecycle.Transition enter(IncidentStatus to, double t) {
    IncidentLifecycle.Transition transition = IncidentLifecycle.check(status, to);
    if (!transition.applied()) {
      return transition;
    }
    timeIn.merge(status, t - statusSince, Double::sum);
    status = to;
    statusSince = t;
    if (to == IncidentStatus.RESOLVED) {
      resolvedAt = t;
      resolvedTs = wall.currentTimeMillis();
    } else if (to == IncidentStatus.CLOSED) {
      closedAt = t;
      closedTs = wall.currentTimeMillis();
    }
    return transition;
  }

  boolean resolved() {
    return !Double.isNaN(resolvedAt);
  }

  double mttrMinutes() {
    return resolved() ? (resolvedAt - detectedAt) / 60.0 : Double.NaN;
  }

  JsonObject phaseDurations() {
    JsonObject o = new JsonObject();
    timeIn.forEach((s, d) -> o.put(s.wireName(), Math.round(d * 10) / 10.0));
    return o;
  }

  JsonObject toJson() {
    JsonArray agents = new JsonArray();
    assigned.forEach(a -> agents.add(a.wireName()));
    JsonArray tl = new JsonArray();
    recent.forEach(tl::add);
    JsonObject impact = new JsonObject()
        .put("tier", scenario.tier())
        .put("affectedUsers", scenario.affectedUsers())
        .put("revenuePerMinute", scenario.revenuePerMinute())
        .put("costPerMinute", scenario.costPerMinute());
    return new JsonObject()
        .put("id", id)
        .put("drillId", drillId)
        .put("title", scenario.title())
        .put("description", scenario.description())
        .put("severity", scenario.severity().wireName())
        .put("status", status.wireName())
        .put("open", status.isOpen())
        .put("scenario", scenario.id())
        .put("affectedServices", new JsonArray(scenario.affectedServices()))
        .put("businessImpact", impact)
        .put("detectedAt", detectedAt)
        .put("resolvedAt", resolved() ? resolvedAt : null)
        .put("closedAt", Double.isNaN(closedAt) ? null : closedAt)
        .put("detectedTs", detectedTs)
        .put("resolvedTs", resolvedTs == 0 ? null : resolvedTs)
        .put("closedTs", closedTs == 0 ? null : closedTs)
        .put("mttrMinutes", resolved() ? Math.round(mttrMinutes() * 100) / 100.0 : null)
        .put("slaMinutes", scenario.slaMinutes())
        .put("slaMet", resolved() ? mttrMinutes() <= scenario.slaMinutes() : null)
        .put("rootCause", rootCause)
        .put("action", action)
        .put("rounds", rounds)
        .put("approvalRequired", approvalRequired)
        .put("failureReason", failureReason)
        .put("assignedAgents", agents)
        .put("phaseDurations", phaseDurations())
        .put("timeline", tl);
  }
}
