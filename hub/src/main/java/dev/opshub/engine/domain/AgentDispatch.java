package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Clock;
import dev.opshub.contract.Recommendation;
import dev.opshub.contract.Risk;
import dev.opshub.contract.TaskKind;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.SignalModel;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sends a drill's tasks to the agents and puts their results on the drill clock: an answer at its dispatch time
 * plus the drill time the work took, a late or missing one at dispatch time plus the agent's timeout with the
 * engine's fallback result (the same either way). Answers and wall-clock timeouts reach the drill as inputs
 * (journaled first, see {@link DrillRunner#input}); a drill rebuilt from its journal sends its tasks still in
 * flight again ({@link #resumeLive}). Keeps the faults injected into the drill's agents.
 */
final class AgentDispatch {

  /** Wall time an agent gets at least before the engine gives up on it, whatever the speed (bus latency). */
  static final long GRACE_MS = 2000;
  /** Signal samples sent with each task. */
  static final int WINDOW_SAMPLES = 120;

  private record Pending(AgentTask task, double at, Consumer<AgentReport> then, long timer) {
  }

  /** Agents with no active instance in the cluster now (the engine's health keeper says so). */
  private final Set<AgentId> missing = EnumSet.noneOf(AgentId.class);
  private final MissingAgentPolicy missingPolicy;

  private final String drillId;
  private final Scenario scenario;
  private final long seed;
  private final SignalModel world;
  private final DrillClock clock;
  private final Timers timers;
  private final Clock wall;
  private final DrillOutputs host;
  private final Consumer<DrillInput> inputs;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<AgentId, String> faults = new EnumMap<>(AgentId.class);
  private int step;

  /** {@code inputs} takes the wall-clock timeouts of tasks (the drill journals them before they act). */
  AgentDispatch(DrillSpec spec, SignalModel world, DrillClock clock, Timers timers, Clock wall, DrillOutputs host,
                Consumer<DrillInput> inputs) {
    this.drillId = spec.id();
    this.missingPolicy = spec.missingAgents();
    this.scenario = spec.scenario();
    this.seed = spec.seed();
    this.world = world;
    this.clock = clock;
    this.timers = timers;
    this.wall = wall;
    this.host = host;
    this.inputs = inputs;
  }

  /** Sends {@code kind} to {@code agent} at the clock's time; {@code then} runs with the result at its drill time. */
  void send(AgentId agent, TaskKind kind, String incidentId, JsonObject context, Consumer<AgentReport> then) {
    step++;
    double at = clock.now();
    AgentTask task = new AgentTask(drillId + "-t" + step, drillId, incidentId, agent, step, kind, seed, clock.speed(),
        at, world.window(at, WINDOW_SAMPLES), context, faults.get(agent));
    long timer = clock.virtual() ? -1 : wallTimeout(task);
    pending.put(task.taskId(), new Pending(task, at, then, timer));
    clock.hold(task.taskId(), at);
    host.sendTask(task);
  }

  private long wallTimeout(AgentTask task) {
    return wallTimeout(task, Math.max(GRACE_MS, (long) (task.agent().timeout().toMillis() / clock.pace())), 0);
  }

  /**
   * The task's wall-clock timeout: its fallback then stands in, unless the agent is missing and the drill waits for
   * it (up to {@link MissingAgentPolicy#MAX_WAIT_MS}): nothing is decided on that, so the drill's course stays the
   * one its inputs give.
   */
  private long wallTimeout(AgentTask task, long delayMs, long waitedMs) {
    return timers.set(delayMs, () -> {
      Pending p = pending.get(task.taskId());
      if (p == null) {
        return;
      }
      if (missingPolicy == MissingAgentPolicy.WAIT && missing.contains(task.agent())
          && waitedMs + delayMs < MissingAgentPolicy.MAX_WAIT_MS) {
        pending.put(task.taskId(), new Pending(p.task(), p.at(), p.then(),
            wallTimeout(task, GRACE_MS, waitedMs + delayMs)));
        return;
      }
      inputs.accept(new DrillInput.Timeout(clock.eventsRun(), task.taskId()));
    });
  }

  /**
   * An agent lost or got an active instance in the cluster. One that comes back gets this drill's tasks for it
   * still in flight again (the new instance never saw them).
   */
  void availability(AgentId agent, boolean available) {
    if (!available) {
      missing.add(agent);
      return;
    }
    if (missing.remove(agent) && !clock.virtual()) {
      for (Pending p : pending.values()) {
        if (p.task().agent() == agent) {
          host.sendTask(p.task());
        }
      }
    }
  }

  /** True while {@code taskId} waits for its result (a report for any other task is a duplicate or late). */
  boolean waitsFor(String taskId) {
    return pending.containsKey(taskId);
  }

  /** After a rebuild: sends every task still in flight again, with a fresh wall-clock timeout. */
  void resumeLive() {
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      e.setValue(new Pending(p.task(), p.at(), p.then(), wallTimeout(p.task())));
      host.sendTask(p.task());
    }
    faults.forEach(this::sendInject);
  }

  /** An agent's report for a task in flight (a journaled input). */
  void applyReport(AgentReport r) {
    Pending p = pending.remove(r.taskId());
    if (p == null) {
      return;
    }
    timers.cancel(p.timer());
    clock.release(r.taskId());
    double timeout = p.task().agent().timeout().toSeconds();
    if (r.elapsedSeconds() > timeout) {
      clock.schedule(p.at() + timeout, rank(p), () -> p.then().accept(timedOut(p.task())));
    } else {
      clock.schedule(p.at() + Math.max(0, r.elapsedSeconds()), rank(p), () -> p.then().accept(r));
    }
    clock.pump();
  }

  /** The task's wall-clock timeout came before its report (a journaled input): the engine's fallback stands in. */
  void applyTimeout(String taskId) {
    Pending p = pending.remove(taskId);
    if (p == null) {
      return;
    }
    clock.release(taskId);
    double timeout = p.task().agent().timeout().toSeconds();
    clock.schedule(p.at() + timeout, rank(p), () -> p.then().accept(timedOut(p.task())));
    clock.pump();
  }

  private static int rank(Pending p) {
    return DrillClock.RANK_AGENT + p.task().agent().ordinal();
  }

  /** Forgets every task in flight: the drill ended, their answers are ignored. */
  void cancelAll() {
    pending.values().forEach(p -> timers.cancel(p.timer()));
    pending.clear();
  }

  // ---------------------------------------------------------------- faults

  /** Adds the scenario's own faults and injects them all. */
  void injectScenarioFaults() {
    for (Scenario.FaultSpec f : scenario.faults()) {
      faults.putIfAbsent(f.agent(), f.wire());
    }
    faults.forEach(this::sendInject);
  }

  void inject(AgentId agent, String fault) {
    faults.put(agent, fault);
    sendInject(agent, fault);
  }

  /** Clears every fault of this drill's agents. */
  void reset() {
    faults.clear();
    sendReset();
  }

  /** At the end of the drill: gives the agents back without this drill's faults (the faults stay on record). */
  void releaseAgents() {
    if (!faults.isEmpty()) {
      sendReset();
    }
  }

  private void sendInject(AgentId agent, String fault) {
    host.agentControl(new JsonObject().put("action", "inject").put("agent", agent.wireName()).put("fault", fault)
        .put("drillId", drillId));
  }

  private void sendReset() {
    host.agentControl(new JsonObject().put("action", "reset").put("drillId", drillId));
  }

  /** The faults injected now, by agent. */
  Map<AgentId, String> faults() {
    return Collections.unmodifiableMap(faults);
  }

  JsonObject faultsJson() {
    JsonObject f = new JsonObject();
    faults.forEach((a, x) -> f.put(a.wireName(), x));
    return f;
  }

  // ---------------------------------------------------------------- fallbacks

  /** The engine's result for an agent that did not answer within its timeout. */
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
    return new AgentReport(task.taskId(), drillId, task.incidentId(), task.agent(), task.step(), task.kind(), "engine",
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
}
