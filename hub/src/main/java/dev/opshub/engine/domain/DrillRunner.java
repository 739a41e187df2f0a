package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Clock;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.contract.Recommendation;
import dev.opshub.contract.Risk;
import dev.opshub.contract.TaskKind;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.SignalModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one drill: a discrete-event simulation on a drill clock (seconds) that a wall-clock timer paces at
 * {@code speed} drill seconds per wall second. Every step is an event at a drill time; agents' results are
 * placed at dispatch time + the drill time their work took (or + their timeout when they do not answer), and
 * events with the same time run in a fixed order (samples, controls, then agents by id). The clock never runs
 * an event past a task still in flight, so the same scenario, seed and speed give the same sequence of events
 * however fast the machine is. Runs on the engine verticle's event loop; not thread-safe.
 */
final class DrillRunner {

  /** What the runner needs from the engine around it. */
  interface Host {
    void publish(String address, String key, JsonObject body);

    void sendTask(AgentTask task);

    void agentControl(JsonObject control);

    void saveIncident(Incident incident);

    void saveDrill(DrillRunner drill);

    void ended(DrillRunner drill, JsonObject report);
  }

  enum State {
    RUNNING, PAUSED, COMPLETED, STOPPED;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean active() {
      return this == RUNNING || this == PAUSED;
    }
  }

  /** What the drill does when a round needs approval and no operator answers in time. */
  enum Policy {
    AUTO_APPROVE, AUTO_REJECT, WAIT;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Policy fromWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  static final int MAX_ROUNDS = 3;
  static final int MAX_TIMELINE = 600;
  static final int MAX_AGENT_ACTIONS = 300;
  static final int WINDOW_SAMPLES = 120;
  /** Wall time an agent gets at least before the engine gives up on it, whatever the speed (bus latency). */
  static final long GRACE_MS = 2000;
  /** Drill seconds after a remediation within which the signals must be healthy again. */
  static final double VERIFY_SECONDS = 600;
  /** Under this score the approve policy rejects instead. */
  static final double POLICY_MIN_SCORE = 0.5;
  static final double DEFAULT_APPROVAL_TIMEOUT = 120;
  private static final class Pending {
    final AgentTask task;
    final double at;
    final Consumer<AgentReport> then;
    long timer = -1;

    Pending(AgentTask task, double at, Consumer<AgentReport> then) {
      this.task = task;
      this.at = at;
      this.then = then;
    }
  }

  final String id;
  final Scenario scenario;
  final long seed;
  final Policy policy;
  final double approvalTimeout;
  final boolean auto;
  private final Host host;
  private final Clock wall;
  private final Timers timers;
  private final DrillClock clock;
  private final SignalModel world;
  private State state = State.RUNNING;
  private String phase = "monitoring";
  private double phaseSince;
  private final Map<String, Double> phaseDurations = new LinkedHashMap<>();
  private String worldPhase;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private int step;
  private int progressEvery = 1;
  private boolean detectInFlight;
  private final Map<AgentId, String> faults = new EnumMap<>(AgentId.class);
  private Incident incident;
  private final Set<Action> excluded = EnumSet.noneOf(Action.class);
  private final Map<AgentId, Recommendation> recs = new EnumMap<>(AgentId.class);
  private JsonObject detectionFindings;
  private JsonObject diagnosisFindings;
  private JsonObject predictionFindings;
  private JsonObject awaiting;
  private JsonObject lastDecision;
  private Action applied;
  private double verifyDeadline;
  private boolean humanDecided;
  private final List<JsonObject> rounds = new ArrayList<>();
  private final List<JsonObject> timeline = new ArrayList<>();
  private final List<JsonObject> agentActions = new ArrayList<>();
  private final List<JsonObject> remediations = new ArrayList<>();
  private final Set<AgentId> fallbacks = EnumSet.noneOf(AgentId.class);
  private long timelineSeq;
  private boolean pauseAfterReplay;
  private final long startedTs;
  private long endedTs;
  private String endReason;

  DrillRunner(Host host, Clock wall, Timers timers, String id, Scenario scenario, long seed, double speed, Policy policy,
              double approvalTimeout, boolean auto) {
    this.host = host;
    this.wall = wall;
    this.timers = timers;
    this.clock = new DrillClock(wall, timers, speed);
    this.id = id;
    this.scenario = scenario;
    this.seed = seed;
    this.policy = policy;
    this.approvalTimeout = approvalTimeout;
    this.auto = auto;
    this.world = new SignalModel(scenario, seed);
    this.startedTs = wall.currentTimeMillis();
  }

  /**
   * Makes this runner take over a drill another engine was running: it replays the drill (same seed, same
   * agents' answers) at {@link DrillClock#REPLAY_SPEED} without publishing until drill time {@code until}, then goes on
   * live at the drill's own speed. Operator decisions taken before are not known; the drill's policy stands in.
   */
  void replayUntil(double until, boolean paused, Map<AgentId, String> injected) {
    clock.replayUntil(until, this::replayDone);
    pauseAfterReplay = paused;
    faults.putAll(injected);
  }

  boolean replaying() {
    return clock.replaying();
  }

  private void replayDone() {
    if (incident != null) {
      saveIncident();
    }
    publishDrill();
    if (pauseAfterReplay) {
      pause();
    }
  }

  // ---------------------------------------------------------------- clock

  void start() {
    clock.start();
    worldPhase = scenario.phaseAt(0);
    progressEvery = Math.max(1, (int) Math.round(clock.speed() * 0.5 / scenario.sampleSeconds()));
    for (Scenario.FaultSpec f : scenario.faults()) {
      faults.putIfAbsent(f.agent(), f.wire());
    }
    faults.forEach((agent, f) -> host.agentControl(new JsonObject().put("action", "inject")
        .put("agent", agent.wireName()).put("fault", f).put("drillId", id)));
    clock.schedule(0, DrillClock.RANK_SAMPLE, () -> sample(0));
    publishDrill();
    clock.pump();
  }

  // ---------------------------------------------------------------- agents

  private void dispatch(AgentId agent, TaskKind kind, JsonObject context, Consumer<AgentReport> then) {
    step++;
    double at = clock.now();
    AgentTask task = new AgentTask(id + "-t" + step, id, incident == null ? null : incident.id, agent, step, kind,
        seed, clock.speed(), at, world.window(at, WINDOW_SAMPLES), context, faults.get(agent));
    Pending p = new Pending(task, at, then);
    long wallMs = Math.max(GRACE_MS, (long) (agent.timeout().toMillis() / clock.pace()));
    p.timer = timers.set(wallMs, () -> onWallTimeout(task.taskId()));
    pending.put(task.taskId(), p);
    clock.hold(task.taskId(), at);
    if (incident != null) {
      incident.assigned.add(agent);
    }
    host.sendTask(task);
  }

  /** An agent's report for this drill; duplicates (agents on several nodes) and late ones are ignored. */
  void onReport(AgentReport r) {
    Pending p = pending.remove(r.taskId());
    if (p == null || !state.active()) {
      return;
    }
    timers.cancel(p.timer);
    clock.release(p.task.taskId());
    double timeout = p.task.agent().timeout().toSeconds();
    int rank = DrillClock.RANK_AGENT + p.task.agent().ordinal();
    if (r.elapsedSeconds() > timeout) {
      clock.schedule(p.at + timeout, rank, () -> p.then.accept(timedOut(p.task)));
    } else {
      clock.schedule(p.at + Math.max(0, r.elapsedSeconds()), rank, () -> p.then.accept(r));
    }
    clock.pump();
  }

  private void onWallTimeout(String taskId) {
    Pending p = pending.remove(taskId);
    if (p == null || !state.active()) {
      return;
    }
    clock.release(taskId);
    double timeout = p.task.agent().timeout().toSeconds();
    clock.schedule(p.at + timeout, DrillClock.RANK_AGENT + p.task.agent().ordinal(), () -> p.then.accept(timedOut(p.task)));
    clock.pump();
  }

  /**
   * The engine's fallback for an agent that did not answer within its timeout. A late answer and no answer
   * give the same fallback, so the drill replays the same whichever happened.
   */
  private AgentReport timedOut(AgentTask task) {
    double timeout = task.agent().timeout().toSeconds();
    String why = String.format(Locale.ROOT, "no answer within %.0fs: engine fallback", timeout);
    JsonObject findings = new JsonObject().put("timeout", true).put("fallback", true);
    Recommendation rec = null;
    switch (task.kind()) {
      case DETECT -> {
        if ("verify".equals(task.context().getString("mode"))) {
          findings.put("recovered", world.healthy(task.drillTime(), 2));
        } else {
          // threshold rule on the raw signals stands in for the detection agent
          boolean breach = !world.healthy(task.drillTime(), 2);
          findings.put("anomaly", breach).put("lead", breach ? firstBreaching(task.drillTime()) : null);
          if (breach) {
            rec = fallbackRec(task, why);
          }
        }
      }
      case DIAGNOSE -> {
        findings.put("cause", "unknown").put("service", scenario.affectedServices().get(0));
        rec = fallbackRec(task, why);
      }
      case PREDICT, RECOMMEND -> rec = fallbackRec(task, why);
      case APPLY -> findings.put("applied", false);
      case COMMUNICATE -> findings.put("message", String.format(Locale.ROOT,
          "[%s] %s: an incident is in progress; next update soon (automatic template).",
          scenario.severity().wireName().toUpperCase(Locale.ROOT), scenario.title()));
    }
    return new AgentReport(task.taskId(), id, task.incidentId(), task.agent(), task.step(), task.kind(), "engine",
        timeout, true, rec, findings, why, wall.currentTimeMillis());
  }

  private String firstBreaching(double t) {
    int k = world.sampleIndex(t);
    for (Scenario.SignalSpec s : scenario.signals()) {
      if (s.breaches(world.value(s, k))) {
        return s.metric();
      }
    }
    return null;
  }

  private static Recommendation fallbackRec(AgentTask task, String why) {
    return new Recommendation(task.agent(), task.incidentId(), Action.ESCALATE_INCIDENT, 0.0, Risk.LOW, why,
        List.of(), List.of(), true);
  }

  private void recordAgent(AgentReport r) {
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
    timeline("agent", new JsonObject()
        .put("agent", r.agent().wireName())
        .put("kind", r.kind().wireName())
        .put("summary", r.summary())
        .put("action", r.recommendation() == null ? null : r.recommendation().action().wireName())
        .put("confidence", r.recommendation() == null ? null : r.recommendation().confidence())
        .put("degraded", r.degraded())
        .put("fallback", fallback)
        .put("timedOut", timedOut));
  }

  // ---------------------------------------------------------------- the drill

  private void sample(int k) {
    double t = k * scenario.sampleSeconds();
    String wp = scenario.phaseAt(t);
    boolean changed = !wp.equals(worldPhase);
    worldPhase = wp;
    if (changed || k % progressEvery == 0) {
      publishDrill();
    }
    if ("monitoring".equals(phase) && !detectInFlight) {
      detectInFlight = true;
      dispatch(AgentId.DETECTION, TaskKind.DETECT, new JsonObject().put("mode", "monitor"), this::onDetect);
    } else if ("recovery".equals(phase) && !detectInFlight) {
      if (t >= verifyDeadline) {
        ineffective();
      } else {
        detectInFlight = true;
        dispatch(AgentId.DETECTION, TaskKind.DETECT, new JsonObject().put("mode", "verify"), this::onVerify);
      }
    }
    if (!state.active()) {
      return;
    }
    if (t >= scenario.durationSeconds()) {
      timeUp();
      return;
    }
    clock.schedule(t + scenario.sampleSeconds(), DrillClock.RANK_SAMPLE, () -> sample(k + 1));
  }

  private void onDetect(AgentReport r) {
    detectInFlight = false;
    if (!"monitoring".equals(phase) || !r.findings().getBoolean("anomaly", false)) {
      return;
    }
    incident = new Incident(id + "-inc", id, scenario, clock.now());
    incident.assigned.add(AgentId.DETECTION);
    detectionFindings = r.findings();
    if (r.recommendation() != null) {
      recs.put(AgentId.DETECTION, r.recommendation());
    }
    timeline("transition", new JsonObject().put("from", null).put("to", IncidentStatus.DETECTED.wireName())
        .put("reason", r.summary()));
    recordAgent(r);
    saveIncident();
    setPhase("triage");
    transition(IncidentStatus.TRIAGED, String.format(Locale.ROOT, "%s, tier %d, %,d users, $%,.0f/min",
        scenario.severity().wireName(), scenario.tier(), scenario.affectedUsers(), scenario.costPerMinute()));
    investigate();
  }

  private JsonArray recsJson(AgentId... agents) {
    JsonArray a = new JsonArray();
    for (AgentId ag : agents) {
      Recommendation r = recs.get(ag);
      if (r != null) {
        a.add(r.toJson());
      }
    }
    return a;
  }

  private JsonArray excludedJson() {
    JsonArray a = new JsonArray();
    excluded.forEach(x -> a.add(x.wireName()));
    return a;
  }

  private void investigate() {
    if (!transition(IncidentStatus.INVESTIGATING, "round " + (incident.rounds + 1) + ": diagnosis and prediction")) {
      return;
    }
    setPhase("analysis");
    recs.remove(AgentId.DIAGNOSIS);
    recs.remove(AgentId.PREDICTION);
    recs.remove(AgentId.RESOLUTION);
    diagnosisFindings = null;
    predictionFindings = null;
    JsonObject ctx = new JsonObject().put("detection", detectionFindings).put("recommendations", recsJson(AgentId.DETECTION))
        .put("excludedActions", excludedJson());
    int round = incident.rounds;
    dispatch(AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, ctx.copy(), r -> analysed(round, r));
    dispatch(AgentId.PREDICTION, TaskKind.PREDICT, ctx.copy(), r -> analysed(round, r));
  }

  private void analysed(int round, AgentReport r) {
    if (incident == null || round != incident.rounds || !state.active()) {
      return;
    }
    recordAgent(r);
    if (r.recommendation() != null) {
      recs.put(r.agent(), r.recommendation());
    }
    if (r.agent() == AgentId.DIAGNOSIS) {
      diagnosisFindings = r.findings();
    } else {
      predictionFindings = r.findings();
    }
    if (diagnosisFindings == null || predictionFindings == null) {
      return;
    }
    incident.rootCause = diagnosisFindings.getString("cause");
    if (!transition(IncidentStatus.DIAGNOSED, "root cause " + incident.rootCause
        + (diagnosisFindings.getBoolean("fallback", false) ? " (fallback)" : ""))) {
      return;
    }
    setPhase("proposal");
    JsonObject ctx = new JsonObject()
        .put("diagnosis", diagnosisFindings)
        .put("prediction", predictionFindings)
        .put("recommendations", recsJson(AgentId.DETECTION, AgentId.DIAGNOSIS, AgentId.PREDICTION))
        .put("excludedActions", excludedJson());
    dispatch(AgentId.RESOLUTION, TaskKind.RECOMMEND, ctx, r2 -> proposed(round, r2));
  }

  private void proposed(int round, AgentReport r) {
    if (incident == null || round != incident.rounds || !state.active()) {
      return;
    }
    recordAgent(r);
    if (r.recommendation() != null) {
      recs.put(AgentId.RESOLUTION, r.recommendation());
    }
    vote();
  }

  private void vote() {
    incident.rounds++;
    String roundId = incident.id + "-r" + incident.rounds;
    Consensus.Round round = Consensus.vote(recs.values(), excluded);
    JsonObject json = round.toJson()
        .put("roundId", roundId)
        .put("round", incident.rounds)
        .put("drillId", id)
        .put("incidentId", incident.id)
        .put("scenario", scenario.id())
        .put("at", clock.now())
        .put("excludedActions", excludedJson())
        .put("decision", round.winner() == null ? "no_candidate" : round.requiresApproval() ? "awaiting_approval" : "auto_approved")
        .put("decidedBy", round.requiresApproval() ? null : "consensus");
    rounds.add(json);
    if (!replaying()) {
      host.publish(Addresses.CONSENSUS, null, json.copy());
    }
    timeline("consensus", new JsonObject().put("roundId", roundId).put("winner", json.getString("winner"))
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
    incident.approvalRequired = true;
    awaiting = json;
    setPhase("awaiting_approval");
    if (policy != Policy.WAIT) {
      clock.schedule(clock.now() + approvalTimeout, DrillClock.RANK_CONTROL, () -> policyDecides(roundId));
    }
  }

  private void policyDecides(String roundId) {
    if (awaiting == null || !roundId.equals(awaiting.getString("roundId"))) {
      return;
    }
    JsonObject round = awaiting;
    if (policy == Policy.AUTO_APPROVE && round.getDouble("score") >= POLICY_MIN_SCORE) {
      decided(round, "approved", "policy");
    } else {
      decided(round, "rejected", "policy");
    }
  }

  /** Pending approval round, or null. */
  JsonObject awaiting() {
    return awaiting;
  }

  /** Operator decision; the caller validated the round id. */
  void operatorDecides(boolean approve) {
    humanDecided = true;
    decided(awaiting, approve ? "approved" : "rejected", "operator");
    clock.pump();
  }

  private void decided(JsonObject round, String decision, String by) {
    awaiting = null;
    round.put("decision", decision).put("decidedBy", by).put("decidedAt", clock.now());
    lastDecision = round;
    if (!"auto_approved".equals(decision)) {
      if (!replaying()) {
        host.publish(Addresses.CONSENSUS, null, round.copy());
      }
      timeline("decision", new JsonObject().put("roundId", round.getString("roundId"))
          .put("winner", round.getString("winner")).put("decision", decision).put("decidedBy", by));
    }
    Action winner = Action.fromWire(round.getString("winner"));
    if ("rejected".equals(decision)) {
      excluded.add(winner);
      escalate(winner.wireName() + " rejected by " + by);
      return;
    }
    incident.action = winner.wireName();
    if (!transition(IncidentStatus.RESOLVING, winner.wireName() + " (" + decision + " by " + by + ")")) {
      return;
    }
    setPhase("remediation");
    String service = diagnosisFindings == null ? scenario.affectedServices().get(0)
        : diagnosisFindings.getString("service", scenario.affectedServices().get(0));
    int r = incident.rounds;
    dispatch(AgentId.RESOLUTION, TaskKind.APPLY, new JsonObject().put("action", winner.wireName())
        .put("service", service).put("roundId", round.getString("roundId")), rep -> appliedResult(r, winner, rep));
  }

  private void appliedResult(int round, Action action, AgentReport r) {
    if (incident == null || round != incident.rounds || !state.active()) {
      return;
    }
    recordAgent(r);
    if (!r.findings().getBoolean("applied", false)) {
      escalate(action.wireName() + " could not be applied: the resolution agent did not answer");
      return;
    }
    SignalModel.Applied a = world.apply(action, clock.now());
    applied = action;
    remediations.add(new JsonObject().put("action", action.wireName()).put("at", clock.now()).put("round", round));
    timeline("remediation", new JsonObject().put("action", action.wireName()).put("round", round)
        .put("summary", r.summary()));
    verifyDeadline = clock.now() + VERIFY_SECONDS;
    setPhase("recovery");
    communicate("mitigating", a.action().wireName());
  }

  private void communicate(String stage, String detail) {
    JsonObject ctx = new JsonObject()
        .put("stage", stage)
        .put("detail", detail)
        .put("incident", new JsonObject().put("title", scenario.title()).put("severity", scenario.severity().wireName())
            .put("status", incident.status.wireName()))
        .put("diagnosis", diagnosisFindings == null ? null : new JsonObject()
            .put("cause", diagnosisFindings.getString("cause")).put("service", diagnosisFindings.getString("service")))
        .put("decision", lastDecision == null ? null : new JsonObject().put("winner", lastDecision.getString("winner"))
            .put("score", lastDecision.getDouble("score")).put("requiresApproval", lastDecision.getBoolean("requiresApproval")))
        .put("fallbacks", new JsonArray(fallbacks.stream().filter(a -> a != AgentId.COMMUNICATION)
            .map(AgentId::wireName).toList()));
    if (incident.resolved()) {
      ctx.put("mttrMinutes", Math.round(incident.mttrMinutes() * 100) / 100.0).put("slaMinutes", scenario.slaMinutes());
    }
    boolean closing = "resolved".equals(stage) || "failed".equals(stage);
    dispatch(AgentId.COMMUNICATION, TaskKind.COMMUNICATE, ctx, r -> {
      if (!state.active()) {
        return;
      }
      recordAgent(r);
      if (closing) {
        transition(IncidentStatus.CLOSED, "stakeholders notified");
        finish(State.COMPLETED, incident.resolved() ? "resolved" : incident.failureReason);
      }
    });
  }

  private void onVerify(AgentReport r) {
    detectInFlight = false;
    if (!"recovery".equals(phase)) {
      return;
    }
    if (!r.findings().getBoolean("recovered", false)) {
      return;
    }
    recordAgent(r);
    if (!transition(IncidentStatus.RESOLVED, "signals healthy after " + applied.wireName())) {
      return;
    }
    saveIncident();
    setPhase("closing");
    communicate("resolved", applied.wireName());
  }

  private void ineffective() {
    timeline("remediation_ineffective", new JsonObject().put("action", applied.wireName())
        .put("reason", "signals still breaching " + (int) (VERIFY_SECONDS / 60) + " min after the remediation"));
    excluded.add(applied);
    escalate(applied.wireName() + " did not bring the signals back");
  }

  private void escalate(String reason) {
    if (!transition(IncidentStatus.ESCALATED, reason)) {
      return;
    }
    setPhase("escalated");
    if (incident.rounds >= MAX_ROUNDS) {
      fail("no effective remediation after " + incident.rounds + " rounds");
      return;
    }
    investigate();
  }

  private void fail(String reason) {
    incident.failureReason = reason;
    awaiting = null;
    if (!transition(IncidentStatus.FAILED, reason)) {
      return;
    }
    setPhase("closing");
    communicate("failed", reason);
  }

  private void timeUp() {
    if (incident == null) {
      finish(State.COMPLETED, "no incident detected within the drill");
      return;
    }
    if (incident.status.isOpen() && incident.status != IncidentStatus.RESOLVED && incident.status != IncidentStatus.FAILED) {
      fail("drill time limit reached");
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Applies {@code to} if the lifecycle allows it; otherwise reports the rejection on the timeline. */
  boolean transition(IncidentStatus to, String reason) {
    IncidentLifecycle.Transition t = IncidentLifecycle.check(incident.status, to);
    if (!t.applied()) {
      timeline("transition_rejected", new JsonObject().put("from", incident.status.wireName())
          .put("to", to == null ? null : to.wireName()).put("reason", t.reason()).put("requestedBecause", reason));
      return false;
    }
    IncidentStatus from = incident.status;
    incident.enter(to, clock.now());
    timeline("transition", new JsonObject().put("from", from.wireName()).put("to", to.wireName()).put("reason", reason));
    saveIncident();
    return true;
  }

  private void saveIncident() {
    if (replaying()) {
      return;
    }
    host.publish(Addresses.INCIDENTS, incident.id, incident.toJson());
    host.saveIncident(incident);
  }

  private void timeline(String type, JsonObject body) {
    if (incident == null) {
      return;
    }
    JsonObject entry = body.put("type", type).put("incidentId", incident.id).put("drillId", id)
        .put("scenario", scenario.id()).put("seq", ++timelineSeq).put("at", clock.now())
        .put("status", incident.status.wireName());
    if (timeline.size() < MAX_TIMELINE) {
      timeline.add(entry);
    }
    incident.remember(entry);
    if (!replaying()) {
      host.publish(Addresses.INCIDENTS_TIMELINE, null, entry.copy());
    }
  }

  private void setPhase(String p) {
    if (!p.equals(phase)) {
      phaseDurations.merge(phase, clock.now() - phaseSince, Double::sum);
      phaseSince = clock.now();
      phase = p;
      publishDrill();
    }
  }

  private void publishDrill() {
    if (replaying()) {
      return;
    }
    host.publish(Addresses.DRILLS, id, toJson());
    host.saveDrill(this);
  }

  // ---------------------------------------------------------------- controls (validated by the caller)

  State state() {
    return state;
  }

  String phase() {
    return phase;
  }

  Incident incident() {
    return incident;
  }

  double speed() {
    return clock.speed();
  }

  void pause() {
    clock.pause();
    state = State.PAUSED;
    publishDrill();
  }

  void resume() {
    clock.resume();
    state = State.RUNNING;
    publishDrill();
    clock.pump();
  }

  void setSpeed(double s) {
    clock.setSpeed(s);
    publishDrill();
    clock.pump();
  }

  void injectFault(AgentId agent, String fault) {
    faults.put(agent, fault);
    host.agentControl(new JsonObject().put("action", "inject").put("agent", agent.wireName()).put("fault", fault)
        .put("drillId", id));
    timeline("fault", new JsonObject().put("agent", agent.wireName()).put("fault", fault));
    publishDrill();
  }

  void resetAgents() {
    faults.clear();
    host.agentControl(new JsonObject().put("action", "reset").put("drillId", id));
    timeline("agents_reset", new JsonObject());
    publishDrill();
  }

  void stop() {
    if (incident != null && incident.status != IncidentStatus.CLOSED) {
      incident.failureReason = "stopped by operator";
      if (incident.status != IncidentStatus.RESOLVED && incident.status != IncidentStatus.FAILED) {
        transition(IncidentStatus.FAILED, "stopped by operator");
      }
      transition(IncidentStatus.CLOSED, "drill stopped");
    }
    finish(State.STOPPED, "stopped by operator");
  }

  private void finish(State end, String reason) {
    if (!state.active()) {
      return;
    }
    clock.stop();
    state = end;
    endReason = reason;
    endedTs = wall.currentTimeMillis();
    pending.values().forEach(p -> timers.cancel(p.timer));
    pending.clear();
    awaiting = null;
    setPhase("done");
    if (!faults.isEmpty()) {
      host.agentControl(new JsonObject().put("action", "reset").put("drillId", id));
    }
    host.ended(this, report());
  }

  // ---------------------------------------------------------------- views

  double progress() {
    return switch (phase) {
      case "monitoring" -> 0.05;
      case "triage" -> 0.15;
      case "analysis" -> 0.3;
      case "proposal" -> 0.45;
      case "awaiting_approval" -> 0.55;
      case "escalated" -> 0.5;
      case "remediation" -> 0.65;
      case "recovery" -> 0.75;
      case "closing" -> 0.9;
      default -> 1.0;
    };
  }

  JsonObject toJson() {
    JsonObject f = new JsonObject();
    faults.forEach((a, x) -> f.put(a.wireName(), x));
    return new JsonObject()
        .put("id", id)
        .put("scenario", scenario.id())
        .put("title", scenario.title())
        .put("seed", seed)
        .put("speed", clock.speed())
        .put("state", state.wire())
        .put("phase", phase)
        .put("worldPhase", worldPhase)
        .put("drillTime", clock.now())
        .put("progress", progress())
        .put("policy", policy.wire())
        .put("approvalTimeoutSeconds", approvalTimeout)
        .put("auto", auto)
        .put("incidentId", incident == null ? null : incident.id)
        .put("incidentStatus", incident == null ? null : incident.status.wireName())
        .put("rounds", incident == null ? 0 : incident.rounds)
        .put("awaitingApproval", awaiting == null ? null : new JsonObject().put("roundId", awaiting.getString("roundId"))
            .put("winner", awaiting.getString("winner")).put("score", awaiting.getDouble("score"))
            .put("deadline", policy == Policy.WAIT ? null : awaiting.getDouble("at") + approvalTimeout))
        .put("faults", f)
        .put("endReason", endReason)
        .put("startedTs", startedTs)
        .put("endedTs", endedTs == 0 ? null : endedTs);
  }

  private JsonObject drillPhases() {
    JsonObject o = new JsonObject();
    phaseDurations.forEach((k, v) -> o.put(k, Math.round(v * 10) / 10.0));
    return o;
  }

  /** The after-action report. */
  JsonObject report() {
    boolean resolved = incident != null && incident.resolved();
    double mttr = resolved ? incident.mttrMinutes() : Double.NaN;
    boolean automated = resolved && rounds.stream().noneMatch(r -> r.getBoolean("requiresApproval", false));
    JsonObject outcome = new JsonObject()
        .put("state", state.wire())
        .put("reason", endReason)
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
        .put("humanDecision", humanDecided)
        .put("rounds", rounds.size());
    String cause = incident == null ? null : incident.rootCause;
    JsonObject success = new JsonObject()
        .put("criteria", scenario.success().description())
        .put("expectedRootCause", scenario.success().expectedRootCause())
        .put("diagnosedRootCause", cause)
        .put("rootCauseCorrect", scenario.success().expectedRootCause().equals(cause))
        .put("actionApplied", applied == null ? null : applied.wireName())
        .put("actionAcceptable", applied != null && scenario.success().acceptableActions().contains(applied)
            && resolved)
        .put("withinTarget", resolved && mttr <= scenario.success().maxMttrMinutes());
    success.put("met", success.getBoolean("rootCauseCorrect") && success.getBoolean("actionAcceptable")
        && success.getBoolean("withinTarget"));
    JsonObject f = new JsonObject();
    faults.forEach((a, x) -> f.put(a.wireName(), x));
    scenario.faults().forEach(x -> f.put(x.agent().wireName(), x.wire()));
    JsonArray worldPhases = new JsonArray();
    scenario.phases().forEach(p -> worldPhases.add(new JsonObject().put("name", p.name()).put("from", p.from())
        .put("to", p.to())));
    return new JsonObject()
        .put("drillId", id)
        .put("scenario", scenario.id())
        .put("title", scenario.title())
        .put("severity", scenario.severity().wireName())
        .put("seed", seed)
        .put("speed", clock.speed())
        .put("policy", policy.wire())
        .put("startedTs", startedTs)
        .put("endedTs", endedTs)
        .put("drillSeconds", clock.now())
        .put("outcome", outcome)
        .put("success", success)
        .put("incident", incident == null ? null : incident.toJson())
        .put("phaseDurations", incident == null ? new JsonObject() : incident.phaseDurations())
        .put("drillPhaseDurations", drillPhases())
        .put("worldPhases", worldPhases)
        .put("faults", f)
        .put("remediations", new JsonArray(new ArrayList<>(remediations)))
        .put("consensusRounds", new JsonArray(new ArrayList<>(rounds)))
        .put("agentActions", new JsonArray(new ArrayList<>(agentActions)))
        .put("timeline", new JsonArray(new ArrayList<>(timeline)));
  }
}
