package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentFault;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Alternative;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import dev.opshub.contract.Risk;
import dev.opshub.contract.TaskKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shared machinery of the five agents: task intake (filtered on the agent's id), live state reported on every
 * change and as a heartbeat, faults, the degraded/fallback rule, and the report. Subclasses only reason.
 *
 * <p>Only the instance on the node {@link AgentPlacement} names is active; on other nodes the instance is standby:
 * it keeps the fault table (controls reach every instance) but answers no task and publishes no status. It checks
 * the placement on every membership change and every {@link #PLACEMENT_CHECK_MS}, and announces itself when it
 * becomes active. An answer depends only on the task (its fault, else a fault injected for every drill, which only a
 * control without drill id sets, never the engine), so an instance that takes over answers a task it sees again
 * alike, whatever controls it missed.
 *
 * <p>An agent answers at once with the drill time its work takes ({@code elapsedSeconds}); the engine places
 * the result at that drill time, so the drill replays the same whatever the machine's speed. The agent's
 * visible state follows the drill clock: it stays {@code analyzing} for elapsed / speed wall time.
 */
public abstract class AgentVerticle extends VerticleBase {

  /** Heartbeat period. */
  public static final long HEARTBEAT_MS = 2000;
  /** An agent with no work for this long goes back to idle. */
  public static final long IDLE_AFTER_MS = 4000;
  /** The longest an agent shows a result state for one task (at very low speeds). */
  static final long MAX_DISPLAY_MS = 30_000;
  /** Bound of the per-drill fault table. */
  static final int MAX_FAULTS = 256;
  /** Key of a fault that applies to every drill. */
  static final String ALL_DRILLS = "*";
  /** Safety net for a missed membership event: the placement is checked again this often. */
  static final long PLACEMENT_CHECK_MS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);

  protected final AgentId id;
  private String nodeId = "local";
  private AgentState state = AgentState.IDLE;
  private double confidence = -1;
  private String incidentId;
  private String drillId;
  private String lastAction;
  private final Map<String, String> faults = new LinkedHashMap<>();
  private long idleTimer = -1;
  private long displayTimer = -1;
  private boolean active;

  protected AgentVerticle(AgentId id) {
    this.id = id;
  }

  @Override
  public Future<?> start() {
    nodeId = config().getString("nodeId", nodeId);
    active = activeHere();
    vertx.setPeriodic(HEARTBEAT_MS, t -> publishStatus(true));
    vertx.setPeriodic(PLACEMENT_CHECK_MS, t -> checkPlacement());
    Future<?> tasks = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_TASKS, this::onTask).completion();
    Future<?> control = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_CONTROL, this::onControl)
        .completion();
    Future<?> members = vertx.eventBus().localConsumer(Addresses.LOCAL_MEMBERSHIP_CHANGED, m -> checkPlacement())
        .completion();
    return Future.all(tasks, control, members).onSuccess(v -> publishStatus(false));
  }

  /** True while this instance is the active one of its agent. */
  boolean isActive() {
    return active;
  }

  private boolean activeHere() {
    try {
      return AgentPlacement.activeHere(vertx, nodeId);
    } catch (RuntimeException e) {
      LOG.warn("agent {} kept its placement: unreadable member list ({})", id.wireName(), e.toString());
      return active;
    }
  }

  private void checkPlacement() {
    boolean now = activeHere();
    if (now == active) {
      return;
    }
    active = now;
    if (now) {
      LOG.debug("agent {} active on node {}", id.wireName(), nodeId);
      publishStatus(false);
    } else {
      LOG.debug("agent {} standby on node {}", id.wireName(), nodeId);
      // what this instance was showing or about to answer is the active instance's business now
      cancelTimers();
      if (state != AgentState.FAILED) {
        state = AgentState.IDLE;
      }
    }
  }

  /** What the agent found for {@code task}. */
  protected record Result(Recommendation recommendation, JsonObject findings, String summary, double elapsedSeconds,
                          double confidence, AgentState doneState) {
  }

  /** The agent's reasoning for one task; {@code rnd} is seeded from (drill seed, agent, step, kind). */
  protected abstract Result analyze(AgentTask task, SplittableRandom rnd);

  /** The fallback used when the agent's confidence falls under its threshold. */
  protected abstract Result fallback(AgentTask task, Result weak);

  /** The seeded generator for a task: same task, same numbers. */
  static SplittableRandom random(AgentTask task) {
    long h = task.seed();
    h ^= mix(task.agent().ordinal() + 1L) * 31;
    h ^= mix(task.step() * 1_000_003L + task.kind().ordinal());
    return new SplittableRandom(h);
  }

  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private void onTask(Message<JsonObject> msg) {
    if (!active) {
      return;
    }
    AgentTask task;
    try {
      if (!id.wireName().equals(msg.body().getString("agent"))) {
        return;
      }
      task = AgentTask.fromJson(msg.body());
    } catch (RuntimeException e) {
      LOG.warn("agent {} dropped a malformed task: {}", id.wireName(), e.getMessage());
      return;
    }
    // the task's fault is the drill's truth (the engine puts its faults in every task): a per-drill entry of this
    // instance's table, which an instance that missed a control would lack or keep, is for its status only
    String fault = task.fault() != null ? task.fault() : faults.get(ALL_DRILLS);
    if (fault != null && fault.startsWith(AgentFault.CRASH.wireName())) {
      // a crashed agent stops answering; the engine's timeout takes over
      setState(AgentState.FAILED, task, "crashed: no answer to " + task.kind().wireName(), confidence);
      return;
    }
    cancelTimers();
    setState(AgentState.ANALYZING, task, task.kind().wireName() + " started", confidence);
    Result r;
    boolean degraded = false;
    try {
      r = analyze(task, random(task));
      if (r.recommendation() != null && r.confidence() < id.threshold() && task.kind() != TaskKind.APPLY) {
        r = fallback(task, r);
        degraded = true;
      }
    } catch (RuntimeException e) {
      // bad input must not take the agent down: answer with a marked fallback the engine can show
      LOG.warn("agent {} failed on task {}: {}", id.wireName(), task.taskId(), e.toString());
      r = new Result(recommend(task, Action.ESCALATE_INCIDENT, 0, Risk.LOW, "analysis failed: " + e.getMessage(),
          List.of(), List.of(), true), new JsonObject().put("error", String.valueOf(e.getMessage())).put("fallback", true),
          "analysis failed", 1, 0, AgentState.DEGRADED);
      degraded = true;
    }
    long delayMs = 0;
    if (fault != null && fault.startsWith(AgentFault.BYZANTINE.wireName()) && r.recommendation() != null) {
      r = Byzantine.corrupt(id, task, r, fault, random(task));
      degraded = false;
    } else if (fault != null && fault.startsWith(AgentFault.SLOW.wireName())) {
      double late = id.timeout().toSeconds() * 1.5;
      r = new Result(r.recommendation(), r.findings(), r.summary() + " (slow)", late, r.confidence(), r.doneState());
      // really late: answer after the timeout, in wall time too
      delayMs = Math.min(MAX_DISPLAY_MS, (long) (late * 1000 / Math.max(task.speed(), 0.001)));
    }
    AgentReport report = new AgentReport(task.taskId(), task.drillId(), task.incidentId(), id, task.step(),
        task.kind(), nodeId, r.elapsedSeconds(), degraded, r.recommendation(), r.findings(), r.summary(),
        System.currentTimeMillis());
    AgentState done = degraded ? AgentState.DEGRADED : r.doneState();
    Result fr = r;
    long displayMs = Math.min(MAX_DISPLAY_MS, (long) (r.elapsedSeconds() * 1000 / Math.max(task.speed(), 0.001)));
    if (delayMs > 0) {
      displayTimer = vertx.setTimer(delayMs, t -> {
        vertx.eventBus().publish(Addresses.INTERNAL_AGENT_REPORTS, report.toJson());
        finish(task, done, fr);
      });
    } else {
      vertx.eventBus().publish(Addresses.INTERNAL_AGENT_REPORTS, report.toJson());
      if (displayMs < 5) {
        finish(task, done, fr);
      } else {
        displayTimer = vertx.setTimer(displayMs, t -> finish(task, done, fr));
      }
    }
  }

  private void finish(AgentTask task, AgentState done, Result r) {
    displayTimer = -1;
    if (state == AgentState.FAILED) {
      return;
    }
    setState(done, task, r.summary(), r.confidence());
    idleTimer = vertx.setTimer(IDLE_AFTER_MS, t -> {
      idleTimer = -1;
      if (state != AgentState.FAILED && state != AgentState.IDLE) {
        setState(AgentState.IDLE, null, lastAction, confidence);
      }
    });
  }

  private void cancelTimers() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    if (displayTimer >= 0) {
      // a newer task replaces what the previous one would have shown
      vertx.cancelTimer(displayTimer);
      displayTimer = -1;
    }
  }

  private void onControl(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String agent = body.getString("agent");
    if (agent != null && !agent.equals(id.wireName())) {
      return;
    }
    String drill = body.getString("drillId", ALL_DRILLS);
    switch (body.getString("action", "")) {
      case "inject" -> {
        String fault = body.getString("fault");
        if (fault == null) {
          return;
        }
        if (faults.size() >= MAX_FAULTS && !faults.containsKey(drill)) {
          faults.remove(faults.keySet().iterator().next());
        }
        faults.put(drill, fault);
        if (fault.startsWith(AgentFault.CRASH.wireName())) {
          cancelTimers();
          setState(AgentState.FAILED, null, "crashed (fault injected)", confidence);
        } else {
          publishStatus(false);
        }
      }
      case "reset" -> {
        if (ALL_DRILLS.equals(drill)) {
          faults.clear();
        } else {
          faults.remove(drill);
        }
        cancelTimers();
        setState(AgentState.IDLE, null, "reset", -1);
      }
      default -> LOG.debug("agent {} ignored control {}", id.wireName(), body);
    }
  }

  private void setState(AgentState next, AgentTask task, String action, double conf) {
    boolean changed = next != state || conf != confidence || (task != null && !task.drillId().equals(drillId))
        || (action != null && !action.equals(lastAction));
    state = next;
    confidence = conf;
    if (task != null) {
      drillId = task.drillId();
      incidentId = task.incidentId();
    }
    lastAction = action;
    if (changed) {
      publishStatus(false);
    }
  }

  private void publishStatus(boolean heartbeat) {
    if (!active) {
      return;
    }
    String fault = faults.isEmpty() ? null : String.join(",", faults.values());
    AgentStatus status = new AgentStatus(id, state, nodeId, confidence, incidentId, drillId, lastAction, fault,
        heartbeat, System.currentTimeMillis());
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_STATUS, status.toJson());
  }

  // ---- helpers for subclasses ----

  protected static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  protected static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Uniform in [lo, hi) from the task's generator, rounded to whole drill seconds. */
  protected static double seconds(SplittableRandom rnd, double lo, double hi) {
    return Math.round(lo + rnd.nextDouble() * (hi - lo));
  }

  /** Small seeded jitter in [-amp, amp]. */
  protected static double jitter(SplittableRandom rnd, double amp) {
    return (rnd.nextDouble() * 2 - 1) * amp;
  }

  /** Alternatives from a probability map (normalised), the chosen one flagged, most probable first. */
  protected static List<Alternative> alternatives(Map<String, Double> probs, String chosen) {
    double total = probs.values().stream().mapToDouble(Double::doubleValue).sum();
    return probs.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> new Alternative(e.getKey(), round3(total == 0 ? 0 : e.getValue() / total), e.getKey().equals(chosen)))
        .toList();
  }

  protected Recommendation recommend(AgentTask task, Action action, double conf, Risk risk, String reasoning,
                                     List<Evidence> evidence, List<Alternative> alts, boolean fallback) {
    return new Recommendation(id, task.incidentId(), action, round3(conf), risk, reasoning, evidence, alts, fallback);
  }
}
