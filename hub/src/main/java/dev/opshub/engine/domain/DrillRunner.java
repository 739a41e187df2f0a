package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.Clock;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.SignalModel;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One drill: the scenario's signal samples on a {@link DrillClock}, the {@link IncidentResponse} they set off, the
 * operator's controls, the drill's state and phase on {@code ops.drills}, and its after-action report when it
 * ends. The same scenario, seed and speed give the same sequence of events however fast the machine is. Runs on
 * the engine verticle's event loop; not thread-safe.
 */
final class DrillRunner {

  private final DrillSpec spec;
  private final DrillHost host;
  private final Clock wall;
  private final DrillClock clock;
  private final AgentDispatch agents;
  private final DrillLog log;
  private final IncidentResponse response;
  private DrillState state = DrillState.RUNNING;
  private DrillPhase phase = DrillPhase.MONITORING;
  private double phaseSince;
  private final Map<DrillPhase, Double> phaseDurations = new LinkedHashMap<>();
  private String worldPhase;
  private int progressEvery = 1;
  private boolean pauseAfterReplay;
  private final long startedTs;
  private long endedTs;
  private String endReason;

  DrillRunner(DrillHost host, Clock wall, Timers timers, DrillSpec spec) {
    this.spec = spec;
    this.host = host;
    this.wall = wall;
    SignalModel world = new SignalModel(spec.scenario(), spec.seed());
    this.clock = new DrillClock(wall, timers, spec.speed());
    this.agents = new AgentDispatch(spec, world, clock, timers, wall, host);
    this.log = new DrillLog(spec, clock, host);
    this.response = new IncidentResponse(this, spec, clock, agents, log, world, wall);
    this.startedTs = wall.currentTimeMillis();
  }

  String id() {
    return spec.id();
  }

  DrillSpec spec() {
    return spec;
  }

  DrillState state() {
    return state;
  }

  boolean active() {
    return state.active();
  }

  DrillPhase phase() {
    return phase;
  }

  /** The drill's incident, or null before detection. */
  Incident incident() {
    return response.incident();
  }

  /** The consensus round awaiting approval, or null. */
  JsonObject awaiting() {
    return response.awaiting();
  }

  /**
   * Makes this runner take over a drill another engine was running: it replays the drill (same seed, same
   * agents' answers) at {@link DrillClock#REPLAY_SPEED} without publishing until drill time {@code until}, then
   * goes on live at the drill's own speed. Operator decisions taken before are not known; the policy stands in.
   */
  void replayUntil(double until, boolean paused, Map<AgentId, String> injected) {
    clock.replayUntil(until, this::replayDone);
    pauseAfterReplay = paused;
    agents.restoreFaults(injected);
  }

  private void replayDone() {
    log.saveIncident(response.incident());
    publishDrill();
    if (pauseAfterReplay) {
      pause();
    }
  }

  void start() {
    Scenario scenario = spec.scenario();
    clock.start();
    worldPhase = scenario.phaseAt(0);
    progressEvery = Math.max(1, (int) Math.round(clock.speed() * 0.5 / scenario.sampleSeconds()));
    agents.injectScenarioFaults();
    clock.schedule(0, DrillClock.RANK_SAMPLE, () -> sample(0));
    publishDrill();
    clock.pump();
  }

  private void sample(int k) {
    Scenario scenario = spec.scenario();
    double t = k * scenario.sampleSeconds();
    String wp = scenario.phaseAt(t);
    boolean changed = !wp.equals(worldPhase);
    worldPhase = wp;
    if (changed || k % progressEvery == 0) {
      publishDrill();
    }
    response.sampled(t);
    if (!state.active()) {
      return;
    }
    if (t >= scenario.durationSeconds()) {
      response.timeUp();
      return;
    }
    clock.schedule(t + scenario.sampleSeconds(), DrillClock.RANK_SAMPLE, () -> sample(k + 1));
  }

  /** An agent's report for this drill. */
  void onReport(AgentReport r) {
    agents.onReport(r);
  }

  /** Moves the drill to phase {@code next}, adding the time spent in the one it leaves. */
  void enter(DrillPhase next) {
    if (next != phase) {
      phaseDurations.merge(phase, clock.now() - phaseSince, Double::sum);
      phaseSince = clock.now();
      phase = next;
      publishDrill();
    }
  }

  private void publishDrill() {
    if (clock.replaying()) {
      return;
    }
    host.publish(Addresses.DRILLS, spec.id(), toJson());
    host.saveDrill(this);
  }

  // ---------------------------------------------------------------- controls (validated by DrillControls)

  void pause() {
    clock.pause();
    state = DrillState.PAUSED;
    publishDrill();
  }

  void resume() {
    clock.resume();
    state = DrillState.RUNNING;
    publishDrill();
    clock.pump();
  }

  void setSpeed(double speed) {
    clock.setSpeed(speed);
    publishDrill();
    clock.pump();
  }

  void injectFault(AgentId agent, String fault) {
    agents.inject(agent, fault);
    log.timeline(response.incident(), "fault", new JsonObject().put("agent", agent.wireName()).put("fault", fault));
    publishDrill();
  }

  void resetAgents() {
    agents.reset();
    log.timeline(response.incident(), "agents_reset", new JsonObject());
    publishDrill();
  }

  /** The operator's decision on the round awaiting approval. */
  void operatorDecides(boolean approve) {
    response.operatorDecides(approve);
    clock.pump();
  }

  void stop() {
    response.stopped();
    finish(DrillState.STOPPED, "stopped by operator");
  }

  /** Ends the drill as {@code end}: nothing more runs, the agents get their faults cleared, the report goes out. */
  void finish(DrillState end, String reason) {
    if (!state.active()) {
      return;
    }
    clock.stop();
    state = end;
    endReason = reason;
    endedTs = wall.currentTimeMillis();
    agents.cancelAll();
    response.ended();
    enter(DrillPhase.DONE);
    agents.releaseAgents();
    host.ended(this, report());
  }

  // ---------------------------------------------------------------- views

  /** The drill as {@code ops.drills} shows it. */
  JsonObject toJson() {
    Incident incident = response.incident();
    JsonObject awaiting = response.awaiting();
    return new JsonObject()
        .put("id", spec.id())
        .put("scenario", spec.scenario().id())
        .put("title", spec.scenario().title())
        .put("seed", spec.seed())
        .put("speed", clock.speed())
        .put("state", state.wireName())
        .put("phase", phase.wireName())
        .put("worldPhase", worldPhase)
        .put("drillTime", clock.now())
        .put("progress", phase.progress())
        .put("policy", spec.policy().wireName())
        .put("approvalTimeoutSeconds", spec.approvalTimeout())
        .put("auto", spec.auto())
        .put("incidentId", incident == null ? null : incident.id())
        .put("incidentStatus", incident == null ? null : incident.status().wireName())
        .put("rounds", incident == null ? 0 : incident.rounds())
        .put("awaitingApproval", awaiting == null ? null : new JsonObject().put("roundId", awaiting.getString("roundId"))
            .put("winner", awaiting.getString("winner")).put("score", awaiting.getDouble("score"))
            .put("deadline", spec.policy() == ApprovalPolicy.WAIT ? null
                : awaiting.getDouble("at") + spec.approvalTimeout()))
        .put("faults", agents.faultsJson())
        .put("endReason", endReason)
        .put("startedTs", startedTs)
        .put("endedTs", endedTs == 0 ? null : endedTs);
  }

  /** The after-action report. */
  JsonObject report() {
    return new AfterActionReport(spec)
        .ended(state, endReason, startedTs, endedTs, clock.now(), clock.speed())
        .incident(response.incident(), response.applied(), response.humanDecided())
        .rounds(response.roundsJson())
        .record(log.remediationsJson(), log.agentActionsJson(), log.timelineJson())
        .faults(agents.faults())
        .drillPhases(phaseDurations)
        .toJson();
  }
}
