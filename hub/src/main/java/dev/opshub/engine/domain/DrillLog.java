package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.IncidentStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a drill writes down as it goes: its incident's transitions (the incident published on {@code ops.incidents}
 * and saved), its consensus rounds ({@code ops.consensus}), its timeline ({@code ops.incidents.timeline}; the
 * latest entries kept in the incident, the first {@link #MAX_TIMELINE} in the report), the remediations applied
 * and the agents' actions, with the agents whose result was a fallback.
 */
final class DrillLog {

  static final int MAX_TIMELINE = 600;
  static final int MAX_AGENT_ACTIONS = 300;

  private final String drillId;
  private final String scenarioId;
  private final DrillClock clock;
  private final DrillOutputs host;
  private final List<JsonObject> timeline = new ArrayList<>();
  private final List<JsonObject> agentActions = new ArrayList<>();
  private final List<JsonObject> remediations = new ArrayList<>();
  private final Set<AgentId> fallbacks = EnumSet.noneOf(AgentId.class);
  private long timelineSeq;

  DrillLog(DrillSpec spec, DrillClock clock, DrillOutputs host) {
    this.drillId = spec.id();
    this.scenarioId = spec.scenario().id();
    this.clock = clock;
    this.host = host;
  }

  /** Moves {@code incident} to {@code to} if its lifecycle allows it; otherwise puts the rejection on the timeline. */
  boolean transition(Incident incident, IncidentStatus to, String reason) {
    IncidentStatus from = incident.status();
    IncidentLifecycle.Transition t = incident.enter(to, clock.now());
    if (!t.applied()) {
      timeline(incident, "transition_rejected", new JsonObject().put("from", from.wireName())
          .put("to", to == null ? null : to.wireName()).put("reason", t.reason()).put("requestedBecause", reason));
      return false;
    }
    timeline(incident, "transition", new JsonObject().put("from", from.wireName()).put("to", to.wireName())
        .put("reason", reason));
    saveIncident(incident);
    return true;
  }

  /** Publishes and saves {@code incident} (if any). */
  void saveIncident(Incident incident) {
    if (incident == null) {
      return;
    }
    host.publish(Addresses.INCIDENTS, incident.id(), incident.toJson());
    host.saveIncident(incident);
  }

  /** Publishes a consensus round as it is now (voted or decided). */
  void consensus(JsonObject round) {
    host.publish(Addresses.CONSENSUS, null, round.copy());
  }

  /** Adds an entry of {@code type} to {@code incident}'s timeline; before there is an incident, nothing. */
  void timeline(Incident incident, String type, JsonObject body) {
    if (incident == null) {
      return;
    }
    JsonObject entry = body.put("type", type).put("incidentId", incident.id()).put("drillId", drillId)
        .put("scenario", scenarioId).put("seq", ++timelineSeq).put("at", clock.now())
        .put("status", incident.status().wireName());
    if (timeline.size() < MAX_TIMELINE) {
      timeline.add(entry);
    }
    incident.remember(entry);
    host.publish(Addresses.INCIDENTS_TIMELINE, null, entry.copy());
  }

  /** An agent's result: an agent action for the report and an {@code agent} timeline entry. */
  void agent(Incident incident, AgentReport r) {
    boolean timedOut = r.findings().getBoolean("timeout", false);
    boolean fallback = r.degraded() || timedOut || (r.recommendation() != null && r.recommendation().fallback());
    if (fallback) {
      fallbacks.add(r.agent());
    }
    JsonObject action = new JsonObject()
        .put("agent", r.agent().wireName())
        .put("kind", r.kind().wireName())
        .put("step", r.step())
        .put("taskId", r.taskId())
        .put("at", clock.now())
        .put("elapsedSeconds", r.elapsedSeconds())
        .put("node", r.node())
        .put("degraded", r.degraded())
        .put("timedOut", timedOut)
        .put("fallback", fallback)
        .put("summary", r.summary())
        .put("confidence", r.recommendation() == null ? null : r.recommendation().confidence())
        .put("recommendation", r.recommendation() == null ? null : r.recommendation().toJson())
        .put("findings", r.findings());
    if (agentActions.size() < MAX_AGENT_ACTIONS) {
      agentActions.add(action);
    }
    timeline(incident, "agent", new JsonObject()
        .put("agent", r.agent().wireName())
        .put("kind", r.kind().wireName())
        .put("summary", r.summary())
        .put("action", r.recommendation() == null ? null : r.recommendation().action().wireName())
        .put("confidence", r.recommendation() == null ? null : r.recommendation().confidence())
        .put("degraded", r.degraded())
        .put("fallback", fallback)
        .put("timedOut", timedOut));
  }

  /** {@code action} was applied in round {@code round}. */
  void remediation(Incident incident, Action action, int round, String summary) {
    remediations.add(new JsonObject().put("action", action.wireName()).put("at", clock.now()).put("round", round));
    timeline(incident, "remediation", new JsonObject().put("action", action.wireName()).put("round", round)
        .put("summary", summary));
  }

  /** The agents whose result was a fallback at least once. */
  Set<AgentId> fallbacks() {
    return Collections.unmodifiableSet(fallbacks);
  }

  JsonArray timelineJson() {
    return new JsonArray(new ArrayList<>(timeline));
  }

  JsonArray remediationsJson() {
    return new JsonArray(new ArrayList<>(remediations));
  }

  JsonArray agentActionsJson() {
    return new JsonArray(new ArrayList<>(agentActions));
  }
}
