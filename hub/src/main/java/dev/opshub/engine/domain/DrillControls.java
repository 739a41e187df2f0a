package dev.opshub.engine.domain;

import dev.opshub.contract.AgentFault;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.ErrorCodes;
import dev.opshub.drills.Scenario;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Answers {@code control.drills}: start (scenario, seed, speed, policy, approvalTimeoutSeconds, missingAgents,
 * requestKey), pause, resume, stop, speed, reset_agents, inject_fault, approve and reject. Each request is checked
 * against the drill's state before it is applied; one that does not fit is refused with a code and changes nothing.
 * The reply is the drill. A start whose {@code requestKey} already started a drill (a client sending it again after
 * no answer came, maybe across a takeover) is answered with that drill; nothing else starts.
 */
final class DrillControls {

  static final double MIN_SPEED = 0.1;
  static final double MAX_SPEED = 1000;
  static final double DEFAULT_SPEED = 60;
  /** Upper bound of {@code approvalTimeoutSeconds}: a day of drill time. */
  static final double MAX_APPROVAL_TIMEOUT = 86_400;

  private static final Logger LOG = LoggerFactory.getLogger(DrillControls.class);
  private static final List<String> DRILL_ACTIONS = List.of("pause", "resume", "stop", "speed", "reset_agents",
      "inject_fault", "approve", "reject");
  private static final List<String> BYZANTINE_MODES = List.of("no_evidence", "out_of_range", "conflicting");
  /** What a request key may be: as the {@code Idempotency-Key} of HTTP APIs, a UUID or a short token. */
  private static final Pattern REQUEST_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  /** Starts a drill the controls validated. */
  interface Starter {
    DrillRunner start(Scenario scenario, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
                      MissingAgentPolicy missingAgents, String requestKey);
  }

  private final Map<String, Scenario> scenarios;
  private final DrillRegistry drills;
  /** The largest seed: 2^53 - 1, the largest integer every JSON reader holds exactly. */
  static final long MAX_SEED = (1L << 53) - 1;

  private final LongSupplier seeds;
  private final Starter starter;
  /** The drill the control being answered applied to (the one {@link #handle} waits for). */
  private DrillRunner lastApplied;

  /** {@code seeds} gives the seed of a drill started without one. */
  DrillControls(Map<String, Scenario> scenarios, DrillRegistry drills, LongSupplier seeds, Starter starter) {
    this.scenarios = scenarios;
    this.drills = drills;
    this.seeds = seeds;
    this.starter = starter;
  }

  /** Replies with the drill, or fails the reply with the refusal's code. */
  void handle(Message<Object> msg) {
    lastApplied = null;
    try {
      if (!(msg.body() instanceof JsonObject body)) {
        throw new Refusal(ErrorCodes.INVALID_JSON, "the body must be a JSON object");
      }
      JsonObject reply = apply(body);
      DrillRunner drill = lastApplied;
      lastApplied = null;
      if (drill == null) {
        msg.reply(reply);
      } else {
        // the answer says what the control did: it goes once that is in the drill's journal
        drill.afterJournal(() -> msg.reply(reply));
      }
    } catch (Refusal r) {
      r.reply(msg);
    } catch (RuntimeException e) {
      LOG.warn("control request failed: {}", e.toString());
      Refusal.fail(msg, ErrorCodes.INVALID_REQUEST, String.valueOf(e.getMessage()));
    }
  }

  /** Validates and applies one control; throws {@link Refusal} (and changes nothing) when it does not fit. */
  JsonObject apply(JsonObject body) {
    EngineRequest request = new EngineRequest(body);
    String action = request.text("action");
    if ("start".equals(action)) {
      return start(request);
    }
    DrillRunner d = activeDrill(request, action);
    lastApplied = d;
    switch (action) {
      case "pause" -> {
        requireState(d, DrillState.RUNNING, action);
        d.pause();
      }
      case "resume" -> {
        requireState(d, DrillState.PAUSED, action);
        d.resume();
      }
      case "stop" -> d.stop();
      case "speed" -> d.setSpeed(speed(request, null));
      case "reset_agents" -> d.resetAgents();
      case "inject_fault" -> d.injectFault(agent(request), fault(request.text("fault"), request.value("mode")));
      case "approve", "reject" -> {
        requireAwaiting(d, request.text("roundId"));
        d.operatorDecides("approve".equals(action));
      }
      default -> throw new Refusal(ErrorCodes.INVALID_REQUEST, "unknown action " + action);
    }
    return drills.drillJson(d.id());
  }

  private JsonObject start(EngineRequest request) {
    String requestKey = requestKey(request);
    String earlier = requestKey == null ? null : drills.startedBy(requestKey);
    if (earlier != null) {
      lastApplied = drills.active(earlier);
      return drills.drillJson(earlier);
    }
    String name = request.text("scenario");
    Scenario s = scenarios.get(name);
    if (s == null) {
      throw new Refusal(ErrorCodes.UNKNOWN_SCENARIO, "no scenario named " + name + "; known: " + scenarios.keySet());
    }
    long seed = seed(request);
    double speed = speed(request, DEFAULT_SPEED);
    ApprovalPolicy policy;
    try {
      policy = ApprovalPolicy.fromWire(request.string("policy", "auto_approve"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "policy must be auto_approve, auto_reject or wait");
    }
    double approvalTimeout = request.number("approvalTimeoutSeconds", ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT, 1,
        MAX_APPROVAL_TIMEOUT);
    MissingAgentPolicy missingAgents;
    try {
      missingAgents = MissingAgentPolicy.fromWire(request.string("missingAgents", "wait"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "missingAgents must be wait or fallback");
    }
    int max = DomainEngineVerticle.MAX_ACTIVE_DRILLS;
    if (drills.activeCount() >= max) {
      throw new Refusal(ErrorCodes.RATE_LIMITED, "already " + drills.activeCount() + " drills running (max " + max + ")");
    }
    DrillRunner d = starter.start(s, seed, speed, policy, approvalTimeout, missingAgents, requestKey);
    lastApplied = d;
    LOG.info("drill {} started: {} seed {} speed {}", d.id(), s.id(), seed, speed);
    return drills.drillJson(d.id());
  }

  private static String requestKey(EngineRequest request) {
    Object raw = request.value("requestKey");
    if (raw == null) {
      return null;
    }
    if (raw instanceof String key && REQUEST_KEY.matcher(key).matches()) {
      return key;
    }
    throw new Refusal(ErrorCodes.INVALID_REQUEST, "requestKey must be 1-100 letters, digits or . _ : -");
  }

  private long seed(EngineRequest request) {
    Object raw = request.value("seed");
    if (raw == null) {
      return seeds.getAsLong();
    }
    // up to 2^53 - 1: a seed a page or any JSON reader shows exactly as given
    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 0
        && n.doubleValue() <= MAX_SEED && (n instanceof Double || n.longValue() <= MAX_SEED)) {
      return n.longValue();
    }
    throw new Refusal(ErrorCodes.INVALID_REQUEST, "seed must be an integer from 0 to " + MAX_SEED);
  }

  /** The speed; required when {@code dflt} is null. */
  private static double speed(EngineRequest request, Double dflt) {
    if (dflt == null && !request.has("speed")) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "'speed' is required");
    }
    return request.number("speed", dflt == null ? 1 : dflt, MIN_SPEED, MAX_SPEED);
  }

  private static AgentId agent(EngineRequest request) {
    try {
      return AgentId.fromWire(request.text("agent"));
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "unknown agent " + request.value("agent"));
    }
  }

  /** {@code fault} ({@code <kind>} or {@code byzantine:<mode>}, or the mode apart) in the agents' form. */
  private static String fault(String fault, Object mode) {
    String base = fault;
    String m = mode instanceof String s ? s : null;
    int colon = fault.indexOf(':');
    if (colon > 0) {
      base = fault.substring(0, colon);
      m = fault.substring(colon + 1);
    }
    AgentFault f;
    try {
      f = AgentFault.fromWire(base);
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "fault must be byzantine, slow or crash");
    }
    if (m != null) {
      if (f != AgentFault.BYZANTINE || !BYZANTINE_MODES.contains(m)) {
        throw new Refusal(ErrorCodes.INVALID_REQUEST, "mode must be no_evidence, out_of_range or conflicting (byzantine only)");
      }
      return f.wireName() + ":" + m;
    }
    return f.wireName();
  }

  private DrillRunner activeDrill(EngineRequest request, String action) {
    if (!DRILL_ACTIONS.contains(action)) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "unknown action " + action);
    }
    String id = request.text("drillId");
    DrillRunner d = drills.active(id);
    if (d == null) {
      JsonObject finished = drills.finished(id);
      if (finished != null) {
        throw new Refusal(ErrorCodes.INVALID_STATE, "drill " + id + " is " + finished.getString("state")
            + "; " + action + " no longer applies");
      }
      throw new Refusal(ErrorCodes.NOT_FOUND, "no drill " + id);
    }
    return d;
  }

  private static void requireState(DrillRunner d, DrillState state, String action) {
    if (d.state() != state) {
      throw new Refusal(ErrorCodes.INVALID_STATE, "cannot " + action + " drill " + d.id() + ": it is " + d.state().wireName());
    }
  }

  private static void requireAwaiting(DrillRunner d, String roundId) {
    JsonObject awaiting = d.awaiting();
    if (awaiting == null) {
      throw new Refusal(ErrorCodes.INVALID_STATE, "drill " + d.id() + " has no decision awaiting approval");
    }
    if (!roundId.equals(awaiting.getString("roundId"))) {
      throw new Refusal(ErrorCodes.INVALID_STATE, "round " + roundId + " is not the one awaiting approval ("
          + awaiting.getString("roundId") + ")");
    }
    if (d.state() != DrillState.RUNNING) {
      throw new Refusal(ErrorCodes.INVALID_STATE, "drill " + d.id() + " is " + d.state().wireName() + "; resume it first");
    }
  }
}
