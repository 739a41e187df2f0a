package dev.opshub.engine.domain;

import dev.opshub.contract.AgentId;
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
 * started, {@code *Ts} the wall clock (epoch ms); the
 * status changes only through {@link IncidentLifecycle}. Its JSON is what {@code ops.incidents} carries and
 * what the cluster map keeps.
 */
final class Incident {

  /** Timeline entries kept inside the incident itself (the report has them all). */
  static final int TIMELINE_IN_INCIDENT = 30;

  final String id;
  final String drillId;
  final Scenario scenario;
  IncidentStatus status = IncidentStatus.DETECTED;
  double statusSince;
  final double detectedAt;
  double resolvedAt = Double.NaN;
  double closedAt = Double.NaN;
  String rootCause;
  String action;
  String failureReason;
  int rounds;
  boolean approvalRequired;
  final Set<AgentId> assigned = new LinkedHashSet<>();
  final Map<IncidentStatus, Double> timeIn = new EnumMap<>(IncidentStatus.class);
  final Deque<JsonObject> recent = new ArrayDeque<>();
  /** Wall-clock times (epoch ms) of detection, resolution and closing, 0 until then. */
  final long detectedTs = System.currentTimeMillis();
  long resolvedTs;
  long closedTs;

  Incident(String id, String drillId, Scenario scenario, double detectedAt) {
    this.id = id;
    this.drillId = drillId;
    this.scenario = scenario;
    this.detectedAt = detectedAt;
    this.statusSince = detectedAt;
  }

  void remember(JsonObject entry) {
    recent.addLast(entry);
    while (recent.size() > TIMELINE_IN_INCIDENT) {
      recent.removeFirst();
    }
  }

  /** Moves to {@code to} at drill time {@code t}; the caller checked the lifecycle. */
  void enter(IncidentStatus to, double t) {
    timeIn.merge(status, t - statusSince, Double::sum);
    status = to;
    statusSince = t;
    if (to == IncidentStatus.RESOLVED) {
      resolvedAt = t;
      resolvedTs = System.currentTimeMillis();
    } else if (to == IncidentStatus.CLOSED) {
      closedAt = t;
      closedTs = System.currentTimeMillis();
    }
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
