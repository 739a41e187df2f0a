package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.drills.Scenario;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Builds a finished drill's after-action report: the outcome (MTTR against the scenario's traditional MTTR and
 * SLA, cost avoided, automation), the scenario's success criteria, and the record of the drill (incident, phase
 * durations, faults, remediations, consensus rounds, agents' actions, timeline).
 */
final class AfterActionReport {

  private final DrillSpec spec;
  private DrillState state;
  private String reason;
  private long startedTs;
  private long endedTs;
  private double drillSeconds;
  private double speed;
  private Incident incident;
  private Action applied;
  private boolean humanDecision;
  private JsonArray rounds = new JsonArray();
  private JsonArray remediations = new JsonArray();
  private JsonArray agentActions = new JsonArray();
  private JsonArray timeline = new JsonArray();
  private Map<AgentId, String> faults = Map.of();
  private Map<DrillPhase, Double> drillPhases = Map.of();

  AfterActionReport(DrillSpec spec) {
    this.spec = spec;
    this.speed = spec.speed();
  }

  /** How the drill ended: its state and why, wall-clock start and end, drill seconds run, speed at the end. */
  AfterActionReport ended(DrillState endState, String why, long started, long ended, double seconds, double endSpeed) {
    state = endState;
    reason = why;
    startedTs = started;
    endedTs = ended;
    drillSeconds = seconds;
    speed = endSpeed;
    return this;
  }

  /** Its incident (null when none was detected), the remediation applied last (or null), whether an operator decided. */
  AfterActionReport incident(Incident handled, Action lastApplied, boolean operatorDecided) {
    incident = handled;
    applied = lastApplied;
    humanDecision = operatorDecided;
    return this;
  }

  /** The consensus rounds as they were decided. */
  AfterActionReport rounds(JsonArray consensusRounds) {
    rounds = consensusRounds;
    return this;
  }

  /** What the drill's log holds: remediations, agents' actions, timeline. */
  AfterActionReport record(JsonArray remediationsApplied, JsonArray actions, JsonArray entries) {
    remediations = remediationsApplied;
    agentActions = actions;
    timeline = entries;
    return this;
  }

  /** The faults injected into the drill's agents (the scenario's own are added). */
  AfterActionReport faults(Map<AgentId, String> injected) {
    faults = injected;
    return this;
  }

  /** Drill seconds spent in each phase, in the order the phases came. */
  AfterActionReport drillPhases(Map<DrillPhase, Double> durations) {
    drillPhases = durations;
    return this;
  }

  JsonObject toJson() {
    Scenario scenario = spec.scenario();
    JsonObject f = new JsonObject();
    faults.forEach((a, x) -> f.put(a.wireName(), x));
    scenario.faults().forEach(x -> f.put(x.agent().wireName(), x.wire()));
    JsonArray worldPhases = new JsonArray();
    scenario.phases().forEach(p -> worldPhases.add(new JsonObject().put("name", p.name()).put("from", p.from())
        .put("to", p.to())));
    JsonObject phases = new JsonObject();
    drillPhases.forEach((p, d) -> phases.put(p.wireName(), Math.round(d * 10) / 10.0));
    return new JsonObject()
        .put("drillId", spec.id())
        .put("scenario", scenario.id())
        .put("title", scenario.title())
        .put("severity", scenario.severity().wireName())
        .put("seed", spec.seed())
        .put("speed", speed)
        .put("policy", spec.policy().wireName())
        .put("startedTs", startedTs)
        .put("endedTs", endedTs)
        .put("drillSeconds", drillSeconds)
        .put("outcome", outcome())
        .put("success", success())
        .put("incident", incident == null ? null : incident.toJson())
        .put("phaseDurations", incident == null ? new JsonObject() : incident.phaseDurations())
        .put("drillPhaseDurations", phases)
        .put("worldPhases", worldPhases)
        .put("faults", f)
        .put("remediations", remediations)
        .put("consensusRounds", rounds)
        .put("agentActions", agentActions)
        .put("timeline", timeline);
  }

  private boolean resolved() {
    return incident != null && incident.resolved();
  }

  private double mttr() {
    return resolved() ? incident.mttrMinutes() : Double.NaN;
  }

  private JsonObject outcome() {
    Scenario scenario = spec.scenario();
    boolean resolved = resolved();
    double mttr = mttr();
    boolean automated = resolved && rounds.stream()
        .noneMatch(r -> ((JsonObject) r).getBoolean("requiresApproval", false));
    return new JsonObject()
        .put("state", state.wireName())
        .put("reason", reason)
        .put("resolved", resolved)
        .put("mttrMinutes", resolved ? Math.round(mttr * 100) / 100.0 : null)
        .put("traditionalMttrMinutes", scenario.traditionalMttrMinutes())
        .put("improvementPct", resolved ? Math.round((scenario.traditionalMttrMinutes() - mttr)
            / scenario.traditionalMttrMinutes() * 1000) / 10.0 : null)
        .put("slaMinutes", scenario.slaMinutes())
        .put("slaMet", resolved && mttr <= scenario.slaMinutes())
        .put("costPerMinute", scenario.costPerMinute())
        .put("costAvoided", resolved ? Math.round((scenario.traditionalMttrMinutes() - mttr) * scenario.costPerMinute()
            * 100) / 100.0 : 0.0)
        .put("automated", automated)
        .put("humanDecision", humanDecision)
        .put("rounds", rounds.size());
  }

  private JsonObject success() {
    Scenario.Success target = spec.scenario().success();
    boolean resolved = resolved();
    String cause = incident == null ? null : incident.rootCause();
    JsonObject success = new JsonObject()
        .put("criteria", target.description())
        .put("expectedRootCause", target.expectedRootCause())
        .put("diagnosedRootCause", cause)
        .put("rootCauseCorrect", target.expectedRootCause().equals(cause))
        .put("actionApplied", applied == null ? null : applied.wireName())
        .put("actionAcceptable", applied != null && target.acceptableActions().contains(applied) && resolved)
        .put("withinTarget", resolved && mttr() <= target.maxMttrMinutes());
    return success.put("met", success.getBoolean("rootCauseCorrect") && success.getBoolean("actionAcceptable")
        && success.getBoolean("withinTarget"));
  }
}
