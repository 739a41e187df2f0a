package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.Clock;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.SignalModel;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One drill: the scenario's signal samples on a {@link DrillClock}, the {@link IncidentResponse} they set off, the
 * operator's controls, the drill's state and phase on {@code ops.drills}, and its after-action report when it
 * ends. The same scenario, seed and inputs give the same sequence of events however fast the machine is: every
 * input (an agent's result, a timeout, a control) is journaled before it acts ({@link #input}) and every output
 * waits for the journal ({@link DrillOutputs}), so another engine rebuilds the drill from its journal exactly
 * where it was ({@link #rebuild}). Runs on the engine verticle's event loop; not thread-safe.
 */
final class DrillRunner {

  /** Journal entries at the end whose outputs are published again after a rebuild (the rest surely went out). */
  static final int REPUBLISHED_ENTRIES = 5;

  private final DrillSpec spec;
  private final DrillWallClock wall;
  private final DrillClock clock;
  private final DrillOutputs outputs;
  private final AgentDispatch agents;
  private final DrillLog log;
  private final IncidentResponse response;
  private DrillState state = DrillState.RUNNING;
  private DrillPhase phase = DrillPhase.MONITORING;
  private double phaseSince;
  private final Map<DrillPhase, Double> phaseDurations = new LinkedHashMap<>();
  private String worldPhase;
  private int progressEvery = 1;
  private final long startedTs;
  private long endedTs;
  private String endReason;

  /**
   * A drill whose outputs wait for {@code journal}; {@code journal} null: a drill being rebuilt (virtual clock,
   * outputs kept) until {@link #rebuild} takes it live.
   */
  private DrillRunner(DrillHost host, Clock system, Timers timers, DrillSpec spec, DrillJournal journal, long startedTs) {
    this.spec = spec;
    this.wall = new DrillWallClock(system);
    SignalModel world = new SignalModel(spec.scenario(), spec.seed());
    this.clock = new DrillClock(wall, timers, spec.speed());
    this.outputs = new DrillOutputs(spec.id(), host, clock, journal);
    this.agents = new AgentDispatch(spec, world, clock, timers, wall, outputs, this::input);
    this.log = new DrillLog(spec, clock, outputs);
    this.response = new IncidentResponse(this, spec, clock, agents, log, world, wall);
    this.startedTs = startedTs;
    if (journal == null) {
      clock.beVirtual();
    }
  }

  /** A new drill: its spec goes first into {@code journal}, then it starts. */
  static DrillRunner start(DrillHost host, Clock wall, Timers timers, DrillSpec spec, DrillJournal journal) {
    long started = wall.currentTimeMillis();
    journal.write(DrillSpec.toJson(spec, started), 0);
    DrillRunner runner = new DrillRunner(host, wall, timers, spec, journal, started);
    runner.start();
    return runner;
  }

  /**
   * A drill another engine was running, rebuilt from its journal {@code entries} (the spec first): the same course
   * without wall time, nothing sent while it is rebuilt; then it goes on live where the other engine stopped, its
   * tasks in flight sent again and its latest messages published again (with their ids, so nothing shows twice).
   *
   * @throws IllegalArgumentException when the journal does not fit the drill (foreign or corrupt entries)
   */
  static DrillRunner rebuild(DrillHost host, Clock wall, Timers timers, DrillSpec spec, long startedTs,
                             List<JsonObject> entries, DrillJournal live) {
    DrillRunner runner = new DrillRunner(host, wall, timers, spec, null, startedTs);
    runner.wall.replayAt(startedTs);
    runner.start();
    long position = 0;
    for (int i = 1; i < entries.size(); i++) {
      JsonObject entry = entries.get(i);
      DrillInput in = DrillInput.fromJson(entry);
      runner.wall.replayAt(entry.getLong("wall", startedTs));
      runner.clock.runTo(in.at());
      if (runner.clock.eventsRun() != in.at()) {
        throw new IllegalArgumentException("journal entry " + i + " of drill " + spec.id() + " is at event " + in.at()
            + ", the drill reached " + runner.clock.eventsRun());
      }
      runner.apply(in);
      position = in.at();
    }
    long tailFrom = entries.size() > REPUBLISHED_ENTRIES
        ? DrillInput.fromJson(entries.get(entries.size() - REPUBLISHED_ENTRIES)).at() : 0;
    runner.wall.live();
    runner.clock.goLive();
    boolean ended = runner.outputs.goLive(live, Math.min(tailFrom, position));
    if (ended || !runner.state.active()) {
      // it ended before the other engine could say so: its end (report, state) is handled now
      live.release(position, () -> host.ended(runner, runner.report()));
      return runner;
    }
    // the cluster maps get the drill's state as rebuilt; its messages were published again above
    if (runner.response.incident() != null) {
      runner.outputs.saveIncident(runner.response.incident());
    }
    runner.outputs.saveDrill(runner);
    runner.agents.resumeLive();
    runner.clock.pump();
    return runner;
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

  /** The drill's journal (null while it is rebuilt). */
  DrillJournal journal() {
    return outputs.journal();
  }

  /** Runs {@code action} (an answer to an operator) once what the drill did so far is journaled. */
  void afterJournal(Runnable action) {
    outputs.afterJournal(action);
  }

  private void start() {
    Scenario scenario = spec.scenario();
    clock.start();
    worldPhase = scenario.phaseAt(0);
    progressEvery = Math.max(1, (int) Math.round(clock.speed() * 0.5 / scenario.sampleSeconds()));
    agents.injectScenarioFaults();
    clock.schedule(0, DrillClock.RANK_SAMPLE, () -> sample(0));
    publishDrill();
    clock.pump();
  }

  // ---------------------------------------------------------------- inputs

  /** An input from outside: journaled at the drill's current position, then applied. */
  void input(DrillInput in) {
    DrillJournal journal = outputs.journal();
    if (journal != null) {
      journal.write(in.toJson(), in.at());
    }
    apply(in);
  }

  private void apply(DrillInput in) {
    if (in instanceof DrillInput.Report r) {
      agents.applyReport(r.report());
    } else if (in instanceof DrillInput.Timeout t) {
      agents.applyTimeout(t.taskId());
    } else if (in instanceof DrillInput.Pause) {
      clock.pause();
      state = DrillState.PAUSED;
      publishDrill();
    } else if (in instanceof DrillInput.Resume) {
      clock.resume();
      state = DrillState.RUNNING;
      publishDrill();
      clock.pump();
    } else if (in instanceof DrillInput.Speed sp) {
      clock.setSpeed(sp.speed());
      publishDrill();
      clock.pump();
    } else if (in instanceof DrillInput.InjectFault f) {
      agents.inject(f.agent(), f.fault());
      log.timeline(response.incident(), "fault", new JsonObject().put("agent", f.agent().wireName()).put("fault", f.fault()));
      publishDrill();
    } else if (in instanceof DrillInput.ResetAgents) {
      agents.reset();
      log.timeline(response.incident(), "agents_reset", new JsonObject());
      publishDrill();
    } else if (in instanceof DrillInput.Decision d) {
      response.operatorDecides(d.approve());
      clock.pump();
    } else if (in instanceof DrillInput.Stop) {
      response.stopped();
      finish(DrillState.STOPPED, "stopped by operator");
    }
  }

  /** An agent lost or got an active instance in the cluster (see {@link MissingAgentPolicy}). */
  void agentAvailability(AgentId agent, boolean available) {
    agents.availability(agent, available);
  }

  /** An agent's report for this drill; one for a task not in flight (a duplicate, a late one) is ignored. */
  void onReport(AgentReport r) {
    if (state.active() && agents.waitsFor(r.taskId())) {
      input(new DrillInput.Report(clock.eventsRun(), r));
    }
  }

  // controls, validated by DrillControls

  void pause() {
    input(new DrillInput.Pause(clock.eventsRun()));
  }

  void resume() {
    input(new DrillInput.Resume(clock.eventsRun()));
  }

  void setSpeed(double speed) {
    input(new DrillInput.Speed(clock.eventsRun(), speed));
  }

  void injectFault(AgentId agent, String fault) {
    input(new DrillInput.InjectFault(clock.eventsRun(), agent, fault));
  }

  void resetAgents() {
    input(new DrillInput.ResetAgents(clock.eventsRun()));
  }

  /** The operator's decision on the round awaiting approval. */
  void operatorDecides(boolean approve) {
    input(new DrillInput.Decision(clock.eventsRun(), approve));
  }

  void stop() {
    input(new DrillInput.Stop(clock.eventsRun()));
  }

  // ---------------------------------------------------------------- the course

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
    outputs.publish(Addresses.DRILLS, spec.id(), toJson());
    outputs.saveDrill(this);
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
    outputs.ended(this, report());
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
        .put("missingAgents", spec.missingAgents().wireName())
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
