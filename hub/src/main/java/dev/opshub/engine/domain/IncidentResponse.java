package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.Clock;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.contract.TaskKind;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.SignalModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A drill's handling of its incident, step by step as agents' results come in: detection opens the incident,
 * diagnosis and prediction analyse it, resolution proposes, a weighted vote decides (or waits for approval), the
 * remediation is applied and verified against the signals, communication closes; an ineffective or rejected
 * remediation escalates into a new round, at most {@link #MAX_ROUNDS}.
 */
final class IncidentResponse {

  static final int MAX_ROUNDS = 3;
  /** Drill seconds after a remediation within which the signals must be healthy again. */
  static final double VERIFY_SECONDS = 600;

  private final DrillRunner drill;
  private final String drillId;
  private final Scenario scenario;
  private final ApprovalPolicy policy;
  private final double approvalTimeout;
  private final DrillClock clock;
  private final AgentDispatch agents;
  private final DrillLog log;
  private final SignalModel world;
  private final Clock wall;
  private boolean detectInFlight;
  private Incident incident;
  private final Recommendations recs = new Recommendations();
  private JsonObject detectionFindings;
  private JsonObject diagnosisFindings;
  private JsonObject predictionFindings;
  private JsonObject awaiting;
  private JsonObject lastDecision;
  private Action applied;
  private double verifyDeadline;
  private boolean humanDecided;
  private final List<JsonObject> rounds = new ArrayList<>();

  IncidentResponse(DrillRunner drill, DrillSpec spec, DrillClock clock, AgentDispatch agents, DrillLog log,
                   SignalModel world, Clock wall) {
    this.drill = drill;
    this.drillId = spec.id();
    this.scenario = spec.scenario();
    this.policy = spec.policy();
    this.approvalTimeout = spec.approvalTimeout();
    this.clock = clock;
    this.agents = agents;
    this.log = log;
    this.world = world;
    this.wall = wall;
  }

  /** The incident, or null before detection. */
  Incident incident() {
    return incident;
  }

  /** The round awaiting approval, or null. */
  JsonObject awaiting() {
    return awaiting;
  }

  /** The remediation that was applied last, or null. */
  Action applied() {
    return applied;
  }

  /** Whether an operator decided a round. */
  boolean humanDecided() {
    return humanDecided;
  }

  JsonArray roundsJson() {
    return new JsonArray(new ArrayList<>(rounds));
  }

  // ---------------------------------------------------------------- detection and verification

  /** A signal sample at drill time {@code t}: detection watches for the anomaly, then for the recovery. */
  void sampled(double t) {
    if (drill.phase() == DrillPhase.MONITORING && !detectInFlight) {
      detectInFlight = true;
      dispatch(AgentId.DETECTION, TaskKind.DETECT, new JsonObject().put("mode", "monitor"), this::onDetect);
    } else if (drill.phase() == DrillPhase.RECOVERY && !detectInFlight) {
      if (t >= verifyDeadline) {
        ineffective();
      } else {
        detectInFlight = true;
        dispatch(AgentId.DETECTION, TaskKind.DETECT, new JsonObject().put("mode", "verify"), this::onVerify);
      }
    }
  }

  private void onDetect(AgentReport r) {
    detectInFlight = false;
    if (drill.phase() != DrillPhase.MONITORING || !r.findings().getBoolean("anomaly", false)) {
      return;
    }
    incident = new Incident(drillId + "-inc", drillId, scenario, clock.now(), wall);
    incident.assign(AgentId.DETECTION);
    detectionFindings = r.findings();
    recs.put(AgentId.DETECTION, r.recommendation());
    log.timeline(incident, "transition", new JsonObject().put("from", null)
        .put("to", IncidentStatus.DETECTED.wireName()).put("reason", r.summary()));
    log.agent(incident, r);
    log.saveIncident(incident);
    drill.enter(DrillPhase.TRIAGE);
    log.transition(incident, IncidentStatus.TRIAGED, String.format(Locale.ROOT, "%s, tier %d, %,d users, $%,.0f/min",
        scenario.severity().wireName(), scenario.tier(), scenario.affectedUsers(), scenario.costPerMinute()));
    investigate();
  }

  private void onVerify(AgentReport r) {
    detectInFlight = false;
    if (drill.phase() != DrillPhase.RECOVERY) {
      return;
    }
    if (!r.findings().getBoolean("recovered", false)) {
      return;
    }
    log.agent(incident, r);
    if (!log.transition(incident, IncidentStatus.RESOLVED, "signals healthy after " + applied.wireName())) {
      return;
    }
    log.saveIncident(incident);
    drill.enter(DrillPhase.CLOSING);
    communicate("resolved", applied.wireName());
  }

  private void ineffective() {
    log.timeline(incident, "remediation_ineffective", new JsonObject().put("action", applied.wireName())
        .put("reason", "signals still breaching " + (int) (VERIFY_SECONDS / 60) + " min after the remediation"));
    recs.exclude(applied);
    escalate(applied.wireName() + " did not bring the signals back");
  }

  // ---------------------------------------------------------------- a round

  private void investigate() {
    String why = "round " + (incident.rounds() + 1) + ": diagnosis and prediction";
    if (!log.transition(incident, IncidentStatus.INVESTIGATING, why)) {
      return;
    }
    drill.enter(DrillPhase.ANALYSIS);
    recs.newRound();
    diagnosisFindings = null;
    predictionFindings = null;
    JsonObject ctx = new JsonObject().put("detection", detectionFindings)
        .put("recommendations", recs.json(AgentId.DETECTION)).put("excludedActions", recs.excludedJson());
    int round = incident.rounds();
    dispatch(AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, ctx.copy(), r -> analysed(round, r));
    dispatch(AgentId.PREDICTION, TaskKind.PREDICT, ctx.copy(), r -> analysed(round, r));
  }

  private void analysed(int round, AgentReport r) {
    if (stale(round)) {
      return;
    }
    log.agent(incident, r);
    recs.put(r.agent(), r.recommendation());
    if (r.agent() == AgentId.DIAGNOSIS) {
      diagnosisFindings = r.findings();
    } else {
      predictionFindings = r.findings();
    }
    if (diagnosisFindings == null || predictionFindings == null) {
      return;
    }
    incident.diagnosed(diagnosisFindings.getString("cause"));
    if (!log.transition(incident, IncidentStatus.DIAGNOSED, "root cause " + incident.rootCause()
        + (diagnosisFindings.getBoolean("fallback", false) ? " (fallback)" : ""))) {
      return;
    }
    drill.enter(DrillPhase.PROPOSAL);
    JsonObject ctx = new JsonObject()
        .put("diagnosis", diagnosisFindings)
        .put("prediction", predictionFindings)
        .put("recommendations", recs.json(AgentId.DETECTION, AgentId.DIAGNOSIS, AgentId.PREDICTION))
        .put("excludedActions", recs.excludedJson());
    dispatch(AgentId.RESOLUTION, TaskKind.RECOMMEND, ctx, r2 -> proposed(round, r2));
  }

  private void proposed(int round, AgentReport r) {
    if (stale(round)) {
      return;
    }
    log.agent(incident, r);
    recs.put(AgentId.RESOLUTION, r.recommendation());
    vote();
  }

  /** A result of an earlier round, or one arriving after the drill ended. */
  private boolean stale(int round) {
    return incident == null || round != incident.rounds() || !drill.active();
  }

  private void vote() {
    int number = incident.nextRound();
    String roundId = incident.id() + "-r" + number;
    Consensus.Round round = recs.vote();
    JsonObject json = round.toJson()
        .put("roundId", roundId)
        .put("round", number)
        .put("drillId", drillId)
        .put("incidentId", incident.id())
        .put("scenario", scenario.id())
        .put("at", clock.now())
        .put("excludedActions", recs.excludedJson())
        .put("decision", round.winner() == null ? "no_candidate" : round.requiresApproval() ? "awaiting_approval" : "auto_approved")
        .put("decidedBy", round.requiresApproval() ? null : "consensus");
    rounds.add(json);
    log.consensus(json);
    log.timeline(incident, "consensus", new JsonObject().put("roundId", roundId).put("winner", json.getString("winner"))
        .put("score", json.getDouble("score")).put("requiresApproval", round.requiresApproval())
        .put("exclusions", json.getJsonArray("exclusions")).put("decision", json.getString("decision")));
    if (round.winner() == null) {
      escalate("no recommendation could be counted in " + roundId);
      return;
    }
    if (!round.requiresApproval()) {
      decided(json, "auto_approved", "consensus");
      return;
    }
    incident.approvalRequired();
    awaiting = json;
    drill.enter(DrillPhase.AWAITING_APPROVAL);
    if (policy != ApprovalPolicy.WAIT) {
      clock.schedule(clock.now() + approvalTimeout, DrillClock.RANK_CONTROL, () -> policyDecides(roundId));
    }
  }

  private void policyDecides(String roundId) {
    if (awaiting == null || !roundId.equals(awaiting.getString("roundId"))) {
      return;
    }
    JsonObject round = awaiting;
    decided(round, policy.approves(round.getDouble("score")) ? "approved" : "rejected", "policy");
  }

  /** The operator's decision on the round awaiting approval; the caller checked there is one. */
  void operatorDecides(boolean approve) {
    humanDecided = true;
    decided(awaiting, approve ? "approved" : "rejected", "operator");
  }

  private void decided(JsonObject round, String decision, String by) {
    awaiting = null;
    round.put("decision", decision).put("decidedBy", by).put("decidedAt", clock.now());
    lastDecision = round;
    if (!"auto_approved".equals(decision)) {
      log.consensus(round);
      log.timeline(incident, "decision", new JsonObject().put("roundId", round.getString("roundId"))
          .put("winner", round.getString("winner")).put("decision", decision).put("decidedBy", by));
    }
    Action winner = Action.fromWire(round.getString("winner"));
    if ("rejected".equals(decision)) {
      recs.exclude(winner);
      escalate(winner.wireName() + " rejected by " + by);
      return;
    }
    incident.acting(winner.wireName());
    if (!log.transition(incident, IncidentStatus.RESOLVING, winner.wireName() + " (" + decision + " by " + by + ")")) {
      return;
    }
    drill.enter(DrillPhase.REMEDIATION);
    String service = diagnosisFindings == null ? scenario.affectedServices().get(0)
        : diagnosisFindings.getString("service", scenario.affectedServices().get(0));
    int r = incident.rounds();
    dispatch(AgentId.RESOLUTION, TaskKind.APPLY, new JsonObject().put("action", winner.wireName())
        .put("service", service).put("roundId", round.getString("roundId")), rep -> appliedResult(r, winner, rep));
  }

  private void appliedResult(int round, Action action, AgentReport r) {
    if (stale(round)) {
      return;
    }
    log.agent(incident, r);
    if (!r.findings().getBoolean("applied", false)) {
      escalate(action.wireName() + " could not be applied: the resolution agent did not answer");
      return;
    }
    SignalModel.Applied a = world.apply(action, clock.now());
    applied = action;
    log.remediation(incident, action, round, r.summary());
    verifyDeadline = clock.now() + VERIFY_SECONDS;
    drill.enter(DrillPhase.RECOVERY);
    communicate("mitigating", a.action().wireName());
  }

  // ---------------------------------------------------------------- escalation, failure, closing

  private void escalate(String reason) {
    if (!log.transition(incident, IncidentStatus.ESCALATED, reason)) {
      return;
    }
    drill.enter(DrillPhase.ESCALATED);
    if (incident.rounds() >= MAX_ROUNDS) {
      fail("no effective remediation after " + incident.rounds() + " rounds");
      return;
    }
    investigate();
  }

  private void fail(String reason) {
    incident.failing(reason);
    awaiting = null;
    if (!log.transition(incident, IncidentStatus.FAILED, reason)) {
      return;
    }
    drill.enter(DrillPhase.CLOSING);
    communicate("failed", reason);
  }

  /** The scenario's time is over: an incident still open fails; no incident ends the drill. */
  void timeUp() {
    if (incident == null) {
      drill.finish(DrillState.COMPLETED, "no incident detected within the drill");
      return;
    }
    IncidentStatus status = incident.status();
    if (status.isOpen() && status != IncidentStatus.RESOLVED && status != IncidentStatus.FAILED) {
      fail("drill time limit reached");
    }
  }

  /** The operator stopped the drill: an open incident fails (unless resolved) and is closed. */
  void stopped() {
    if (incident == null || incident.status() == IncidentStatus.CLOSED) {
      return;
    }
    incident.failing("stopped by operator");
    if (incident.status() != IncidentStatus.RESOLVED && incident.status() != IncidentStatus.FAILED) {
      log.transition(incident, IncidentStatus.FAILED, "stopped by operator");
    }
    log.transition(incident, IncidentStatus.CLOSED, "drill stopped");
  }

  /** The drill ended: no round waits for approval any more. */
  void ended() {
    awaiting = null;
  }

  private void communicate(String stage, String detail) {
    JsonObject ctx = new JsonObject()
        .put("stage", stage)
        .put("detail", detail)
        .put("incident", new JsonObject().put("title", scenario.title()).put("severity", scenario.severity().wireName())
            .put("status", incident.status().wireName()))
        .put("diagnosis", diagnosisFindings == null ? null : new JsonObject()
            .put("cause", diagnosisFindings.getString("cause")).put("service", diagnosisFindings.getString("service")))
        .put("decision", lastDecision == null ? null : new JsonObject().put("winner", lastDecision.getString("winner"))
            .put("score", lastDecision.getDouble("score")).put("requiresApproval", lastDecision.getBoolean("requiresApproval")))
        .put("fallbacks", new JsonArray(log.fallbacks().stream().filter(a -> a != AgentId.COMMUNICATION)
            .map(AgentId::wireName).toList()));
    if (incident.resolved()) {
      ctx.put("mttrMinutes", Math.round(incident.mttrMinutes() * 100) / 100.0).put("slaMinutes", scenario.slaMinutes());
    }
    boolean closing = "resolved".equals(stage) || "failed".equals(stage);
    dispatch(AgentId.COMMUNICATION, TaskKind.COMMUNICATE, ctx, r -> {
      if (!drill.active()) {
        return;
      }
      log.agent(incident, r);
      if (closing) {
        log.transition(incident, IncidentStatus.CLOSED, "stakeholders notified");
        drill.finish(DrillState.COMPLETED, incident.resolved() ? "resolved" : incident.failureReason());
      }
    });
  }

  // ---------------------------------------------------------------- helpers

  private void dispatch(AgentId agent, TaskKind kind, JsonObject context, Consumer<AgentReport> then) {
    if (incident != null) {
      incident.assign(agent);
    }
    agents.send(agent, kind, incident == null ? null : incident.id(), context, then);
  }
}
