package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentFault;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Clock;
import dev.opshub.contract.ErrorCodes;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.contract.MapNames;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import dev.opshub.engine.StreamPublisher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The incident domain of the active engine: runs drills, keeps incidents in the cluster map
 * {@link MapNames#INCIDENTS} (and drills in {@link MapNames#DRILLS}) so a standby engine that takes over keeps
 * them, publishes {@code ops.incidents}, {@code ops.incidents.timeline}, {@code ops.consensus},
 * {@code ops.drills} and {@code ops.metrics.business}, writes after-action reports, and answers
 * {@link Addresses#CONTROL_DRILLS} and {@link Addresses#INTERNAL_ENGINE_QUERY}.
 *
 * <p>Config: {@code {"nodeId":..,"dataDir":"./data","autoDrills":false,"autoDrillSpeed":30}}.
 */
public class DomainEngineVerticle extends VerticleBase implements DrillHost {

  /** Drills running (or paused) at once. */
  public static final int MAX_ACTIVE_DRILLS = 20;
  /** Finished drills kept for {@code drills} queries. */
  public static final int MAX_FINISHED_DRILLS = 100;
  /** Closed incidents kept in the cluster map. */
  public static final int MAX_CLOSED_INCIDENTS = 200;
  public static final long METRICS_PERIOD_MS = 1000;
  public static final double MIN_SPEED = 0.1;
  public static final double MAX_SPEED = 1000;
  public static final double DEFAULT_SPEED = 60;
  public static final long AUTO_DRILL_GAP_MS = 3000;

  private static final Logger LOG = LoggerFactory.getLogger(DomainEngineVerticle.class);

  private final StreamPublisher publisher;
  private final Clock clock;
  private String nodeId;
  private boolean autoDrills;
  private double autoDrillSpeed;
  private Map<String, Scenario> scenarios;
  private ReportStore reports;
  private RecordedRuns recorded;
  private final BusinessMetrics metrics = new BusinessMetrics();
  private final Map<String, DrillRunner> active = new LinkedHashMap<>();
  private final Map<String, JsonObject> finished = new LinkedHashMap<>();
  private final Map<String, JsonObject> orphanIncidents = new LinkedHashMap<>();
  private final Map<String, Future<Void>> writing = new LinkedHashMap<>();
  private final Deque<String> closedIncidents = new ArrayDeque<>();
  private AsyncMap<String, JsonObject> incidentsMap;
  private AsyncMap<String, JsonObject> drillsMap;
  private long counter;
  private int autoIndex;
  private final SecureRandom random = new SecureRandom();

  public DomainEngineVerticle(StreamPublisher publisher) {
    this(publisher, Clock.SYSTEM);
  }

  /** An engine whose drills take wall time from {@code clock}. */
  public DomainEngineVerticle(StreamPublisher publisher, Clock clock) {
    this.publisher = publisher;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    nodeId = config().getString("nodeId", "local");
    autoDrills = config().getBoolean("autoDrills", false);
    autoDrillSpeed = config().getDouble("autoDrillSpeed", 30.0);
    reports = new ReportStore(vertx, Path.of(config().getString("dataDir", "./data")).resolve("reports"));
    Future<Void> loaded = vertx.executeBlocking(() -> {
      scenarios = ScenarioLoader.loadBuiltIn();
      recorded = RecordedRuns.loadBuiltIn();
      return null;
    });
    Future<Void> pastReports = reports.load().map(list -> {
      list.forEach(r -> metrics.add(BusinessMetrics.Outcome.fromReport(r)));
      LOG.info("domain engine loaded {} after-action reports from {}", list.size(), reports.dir());
      return null;
    });
    Future<Void> maps = vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.INCIDENTS)
        .compose(m -> {
          incidentsMap = m;
          return vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.DRILLS);
        })
        .map(m -> {
          drillsMap = m;
          return null;
        });
    // consumers once scenarios and maps are there; drills left by another engine once reports can come in
    return Future.all(loaded, pastReports, maps)
        .compose(v -> Future.all(
            vertx.eventBus().consumer(Addresses.CONTROL_DRILLS, this::onControl).completion(),
            vertx.eventBus().consumer(Addresses.INTERNAL_ENGINE_QUERY, this::onQuery).completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_REPORTS, this::onAgentReport).completion()))
        .compose(v -> restore())
        .onSuccess(v -> {
          publishMetrics();
          vertx.setPeriodic(METRICS_PERIOD_MS, t -> publishMetrics());
          if (autoDrills) {
            vertx.setTimer(500, t -> nextAutoDrill());
          }
        });
  }

  @Override
  public Future<?> stop() {
    // a stopping engine leaves its drills in the cluster map for the next one; timers go with the verticle
    return Future.succeededFuture();
  }

  /**
   * Open incidents and unfinished drills left by a previous engine: open incidents are republished at once;
   * a drill that was running is replayed silently (same seed, same answers) up to where it was, then goes on
   * live under the same id, so its incident continues; what cannot be resumed is kept and shown as
   * interrupted.
   */
  private Future<Void> restore() {
    return incidentsMap.entries().compose(incidents -> drillsMap.entries().map(drills -> {
      int resumed = 0;
      java.util.Set<String> resumedDrills = new java.util.HashSet<>();
      for (Map.Entry<String, JsonObject> e : drills.entrySet()) {
        JsonObject d = e.getValue().copy();
        String state = d.getString("state");
        if (!"running".equals(state) && !"paused".equals(state)) {
          rememberFinished(d);
          continue;
        }
        DrillRunner runner = resumable(d);
        if (runner != null) {
          resumedDrills.add(runner.id());
          resumed++;
          continue;
        }
        d.put("state", "interrupted").put("phase", "interrupted")
            .put("endReason", "the engine running it stopped and it cannot be resumed here; its incident is kept open");
        rememberFinished(d);
        publisher.publish(Addresses.DRILLS, e.getKey(), d.copy());
      }
      int open = 0;
      for (Map.Entry<String, JsonObject> e : incidents.entrySet()) {
        JsonObject inc = e.getValue();
        if (IncidentStatus.CLOSED.wireName().equals(inc.getString("status"))) {
          closedIncidents.addLast(e.getKey());
          continue;
        }
        open++;
        if (!resumedDrills.contains(inc.getString("drillId"))) {
          orphanIncidents.put(e.getKey(), inc);
        }
        publisher.publish(Addresses.INCIDENTS, e.getKey(), inc.copy());
      }
      if (open > 0 || !drills.isEmpty()) {
        LOG.info("domain engine took over {} open incidents and {} drills ({} resumed)", open, drills.size(), resumed);
      }
      return null;
    }));
  }

  /** Starts the replay of a drill another engine was running, or returns null when it cannot be resumed. */
  private DrillRunner resumable(JsonObject d) {
    try {
      Scenario s = scenarios.get(d.getString("scenario"));
      String id = d.getString("id");
      if (s == null || id == null || active.size() >= MAX_ACTIVE_DRILLS) {
        return null;
      }
      Map<AgentId, String> faults = new java.util.EnumMap<>(AgentId.class);
      d.getJsonObject("faults", new JsonObject()).forEach(f -> faults.put(AgentId.fromWire(f.getKey()),
          String.valueOf(f.getValue())));
      DrillRunner r = new DrillRunner(this, clock, Timers.of(vertx), new DrillSpec(id, s, d.getLong("seed"),
          d.getDouble("speed"), ApprovalPolicy.fromWire(d.getString("policy", "auto_approve")),
          d.getDouble("approvalTimeoutSeconds", ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT), d.getBoolean("auto", false)));
      r.replayUntil(d.getDouble("drillTime", 0.0), "paused".equals(d.getString("state")), faults);
      active.put(id, r);
      r.start();
      LOG.info("resuming drill {} ({} seed {}) from drill time {}s", id, s.id(), r.spec().seed(), d.getDouble("drillTime"));
      return r;
    } catch (RuntimeException e) {
      LOG.warn("drill {} cannot be resumed: {}", d.getString("id"), e.toString());
      return null;
    }
  }

  private void rememberFinished(JsonObject drill) {
    finished.remove(drill.getString("id"));
    finished.put(drill.getString("id"), drill);
    while (finished.size() > MAX_FINISHED_DRILLS) {
      String oldest = finished.keySet().iterator().next();
      finished.remove(oldest);
      // the cluster map keeps only what the finished list keeps
      drillsMap.remove(oldest);
    }
  }

  // ---------------------------------------------------------------- Host

  @Override
  public void publish(String address, String key, JsonObject body) {
    publisher.publish(address, key, body);
  }

  @Override
  public void sendTask(AgentTask task) {
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_TASKS, task.toJson());
  }

  @Override
  public void agentControl(JsonObject control) {
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_CONTROL, control);
  }

  @Override
  public void saveIncident(Incident incident) {
    JsonObject json = incident.toJson();
    incidentsMap.put(incident.id(), json)
        .onFailure(e -> LOG.warn("incident {} not saved: {}", incident.id(), e.getMessage()));
    if (incident.status() == IncidentStatus.CLOSED && !closedIncidents.contains(incident.id())) {
      closedIncidents.addLast(incident.id());
      while (closedIncidents.size() > MAX_CLOSED_INCIDENTS) {
        incidentsMap.remove(closedIncidents.removeFirst());
      }
    }
  }

  @Override
  public void saveDrill(DrillRunner drill) {
    drillsMap.put(drill.id(), drill.toJson()).onFailure(e -> LOG.warn("drill {} not saved: {}", drill.id(), e.getMessage()));
  }

  @Override
  public void ended(DrillRunner drill, JsonObject report) {
    active.remove(drill.id());
    JsonObject state = drill.toJson();
    rememberFinished(state);
    drillsMap.put(drill.id(), state);
    metrics.add(BusinessMetrics.Outcome.fromReport(report));
    publishMetrics();
    Future<Void> write = reports.write(report);
    writing.put(drill.id(), write);
    write.onComplete(ar -> writing.remove(drill.id()));
    write
        .onSuccess(v -> LOG.info("drill {} ({}) ended: {}; report written", drill.id(), drill.spec().scenario().id(),
            report.getJsonObject("outcome").getString("reason")))
        .onFailure(e -> LOG.error("report of drill {} not written", drill.id(), e));
    if (drill.spec().auto() && autoDrills) {
      vertx.setTimer(AUTO_DRILL_GAP_MS, t -> nextAutoDrill());
    }
  }

  private void publishMetrics() {
    publisher.publish(Addresses.METRICS_BUSINESS, "business", metrics.toJson()
        .put("activeDrills", active.size()));
  }

  private void nextAutoDrill() {
    if (active.values().stream().anyMatch(d -> d.spec().auto())) {
      return;
    }
    List<String> ids = new ArrayList<>(scenarios.keySet());
    String scenario = ids.get(autoIndex++ % ids.size());
    long seed = random.nextInt(1_000_000);
    LOG.info("auto drill: {} with seed {} at speed {}", scenario, seed, autoDrillSpeed);
    startDrill(scenarios.get(scenario), seed, autoDrillSpeed, ApprovalPolicy.AUTO_APPROVE,
        ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT, true);
  }

  private DrillRunner startDrill(Scenario s, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
                                 boolean auto) {
    String id = "drill-" + Long.toString(clock.currentTimeMillis(), 36) + "-" + (++counter);
    DrillRunner d = new DrillRunner(this, clock, Timers.of(vertx), new DrillSpec(id, s, seed, speed, policy,
        approvalTimeout, auto));
    active.put(id, d);
    d.start();
    return d;
  }

  private void onAgentReport(Message<JsonObject> msg) {
    String drillId = msg.body().getString("drillId");
    DrillRunner d = drillId == null ? null : active.get(drillId);
    if (d == null) {
      return;
    }
    try {
      d.onReport(AgentReport.fromJson(msg.body()));
    } catch (RuntimeException e) {
      LOG.warn("malformed agent report for drill {}: {}", drillId, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- control

  /** A refused request: code + human detail, sent as a failed reply. */
  static final class Refusal extends RuntimeException {
    final ErrorCodes code;

    Refusal(ErrorCodes code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static void fail(Message<?> msg, ErrorCodes code, String detail) {
    msg.fail(code.status(), code.code() + ": " + detail);
  }

  private void onControl(Message<Object> msg) {
    try {
      if (!(msg.body() instanceof JsonObject body)) {
        throw new Refusal(ErrorCodes.INVALID_JSON, "the body must be a JSON object");
      }
      msg.reply(control(body));
    } catch (Refusal r) {
      fail(msg, r.code, r.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("control request failed: {}", e.toString());
      fail(msg, ErrorCodes.INVALID_REQUEST, String.valueOf(e.getMessage()));
    }
  }

  /** Validates and applies one control; throws {@link Refusal} (and changes nothing) when it does not fit. */
  JsonObject control(JsonObject body) {
    String action = text(body, "action");
    if ("start".equals(action)) {
      return start(body);
    }
    DrillRunner d = activeDrill(body, action);
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
      case "speed" -> d.setSpeed(speed(body, null));
      case "reset_agents" -> d.resetAgents();
      case "inject_fault" -> {
        AgentId agent;
        try {
          agent = AgentId.fromWire(text(body, "agent"));
        } catch (IllegalArgumentException e) {
          throw new Refusal(ErrorCodes.INVALID_REQUEST, "unknown agent " + body.getValue("agent"));
        }
        d.injectFault(agent, fault(text(body, "fault"), body.getValue("mode")));
      }
      case "approve", "reject" -> {
        String roundId = text(body, "roundId");
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
        d.operatorDecides("approve".equals(action));
      }
      default -> throw new Refusal(ErrorCodes.INVALID_REQUEST, "unknown action " + action);
    }
    return drillJson(d.id());
  }

  private JsonObject start(JsonObject body) {
    String name = text(body, "scenario");
    Scenario s = scenarios.get(name);
    if (s == null) {
      throw new Refusal(ErrorCodes.UNKNOWN_SCENARIO, "no scenario named " + name + "; known: " + scenarios.keySet());
    }
    long seed;
    Object rawSeed = body.getValue("seed");
    if (rawSeed == null) {
      seed = random.nextInt(1_000_000);
    } else if (rawSeed instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      seed = n.longValue();
    } else {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "seed must be an integer");
    }
    double speed = speed(body, DEFAULT_SPEED);
    ApprovalPolicy policy;
    try {
      policy = ApprovalPolicy.fromWire(body.getString("policy", "auto_approve"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "policy must be auto_approve, auto_reject or wait");
    }
    double approvalTimeout = number(body, "approvalTimeoutSeconds", ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT, 1, 86_400);
    if (active.size() >= MAX_ACTIVE_DRILLS) {
      throw new Refusal(ErrorCodes.RATE_LIMITED, "already " + active.size() + " drills running (max " + MAX_ACTIVE_DRILLS + ")");
    }
    DrillRunner d = startDrill(s, seed, speed, policy, approvalTimeout, false);
    LOG.info("drill {} started: {} seed {} speed {}", d.id(), s.id(), seed, speed);
    return drillJson(d.id());
  }

  private static String text(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "'" + key + "' is required (a string)");
    }
    return s;
  }

  private static double number(JsonObject body, String key, double dflt, double min, double max) {
    Object v = body.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "'" + key + "' must be a number between " + min + " and " + max);
    }
    return n.doubleValue();
  }

  private static double speed(JsonObject body, Double dflt) {
    if (dflt == null && body.getValue("speed") == null) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "'speed' is required");
    }
    return number(body, "speed", dflt == null ? 1 : dflt, MIN_SPEED, MAX_SPEED);
  }

  private static String fault(String fault, Object mode) {
    AgentFault f;
    String base = fault;
    String m = mode instanceof String s ? s : null;
    int colon = fault.indexOf(':');
    if (colon > 0) {
      base = fault.substring(0, colon);
      m = fault.substring(colon + 1);
    }
    try {
      f = AgentFault.fromWire(base);
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "fault must be byzantine, slow or crash");
    }
    if (m != null) {
      if (f != AgentFault.BYZANTINE || !List.of("no_evidence", "out_of_range", "conflicting").contains(m)) {
        throw new Refusal(ErrorCodes.INVALID_REQUEST, "mode must be no_evidence, out_of_range or conflicting (byzantine only)");
      }
      return f.wireName() + ":" + m;
    }
    return f.wireName();
  }

  private DrillRunner activeDrill(JsonObject body, String action) {
    if (!List.of("pause", "resume", "stop", "speed", "reset_agents", "inject_fault", "approve", "reject").contains(action)) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "unknown action " + action);
    }
    String id = text(body, "drillId");
    DrillRunner d = active.get(id);
    if (d == null) {
      if (finished.containsKey(id)) {
        throw new Refusal(ErrorCodes.INVALID_STATE, "drill " + id + " is " + finished.get(id).getString("state")
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

  private JsonObject drillJson(String id) {
    DrillRunner d = active.get(id);
    if (d != null) {
      JsonObject j = d.toJson();
      if (d.incident() != null) {
        j.put("incident", d.incident().toJson());
      }
      return j;
    }
    JsonObject f = finished.get(id);
    return f == null ? null : f.copy();
  }

  // ---------------------------------------------------------------- queries

  private void onQuery(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject body)) {
      fail(msg, ErrorCodes.INVALID_JSON, "the body must be a JSON object");
      return;
    }
    try {
      query(body).onSuccess(msg::reply).onFailure(e -> {
        if (e instanceof Refusal r) {
          fail(msg, r.code, r.getMessage());
        } else {
          fail(msg, ErrorCodes.NOT_FOUND, String.valueOf(e.getMessage()));
        }
      });
    } catch (Refusal r) {
      fail(msg, r.code, r.getMessage());
    }
  }

  Future<JsonObject> query(JsonObject body) {
    String op = text(body, "op");
    switch (op) {
      case "drills": {
        JsonArray list = new JsonArray();
        active.keySet().forEach(id -> list.add(drillJson(id)));
        List<JsonObject> done = new ArrayList<>(finished.values());
        for (int i = done.size() - 1; i >= 0; i--) {
          list.add(done.get(i).copy());
        }
        return Future.succeededFuture(new JsonObject().put("drills", list).put("active", active.size())
            .put("maxActive", MAX_ACTIVE_DRILLS));
      }
      case "drill": {
        JsonObject d = drillJson(text(body, "id"));
        return d == null ? Future.failedFuture(new Refusal(ErrorCodes.NOT_FOUND, "no drill " + body.getString("id")))
            : Future.succeededFuture(d);
      }
      case "scenarios": {
        JsonArray list = new JsonArray();
        scenarios.values().forEach(s -> list.add(s.summaryJson()));
        return Future.succeededFuture(new JsonObject().put("scenarios", list));
      }
      case "reports":
        return Future.succeededFuture(new JsonObject().put("reports", new JsonArray(reports.list(ReportStore.MAX_INDEXED))));
      case "report": {
        String id = text(body, "id");
        Future<Void> inFlight = writing.get(id);
        if (inFlight != null) {
          return inFlight.compose(v -> reports.read(id));
        }
        if (!reports.has(id)) {
          return Future.failedFuture(new Refusal(ErrorCodes.NOT_FOUND, "no report for drill " + id));
        }
        return reports.read(id);
      }
      case "summary":
        return Future.succeededFuture(summary());
      case "recorded":
        return Future.succeededFuture(new JsonObject().put("runs", recorded.list()));
      case "recorded_run": {
        String id = text(body, "id");
        JsonObject run = recorded.get(id);
        return run == null ? Future.failedFuture(new Refusal(ErrorCodes.NOT_FOUND, "no recorded run " + id))
            : Future.succeededFuture(run);
      }
      default:
        return Future.failedFuture(new Refusal(ErrorCodes.INVALID_REQUEST, "unknown op " + op));
    }
  }

  private JsonObject summary() {
    JsonObject m = metrics.toJson();
    JsonObject overall = m.getJsonObject("overall");
    JsonObject mttr = overall.getJsonObject("mttr");
    return new JsonObject()
        .put("incidentsHandled", overall.getInteger("incidents"))
        .put("resolved", overall.getLong("resolved"))
        .put("mttrMinutes", mttr.getDouble("meanMinutes"))
        .put("mttr", mttr)
        .put("traditionalMttrMinutes", overall.getDouble("traditionalMttrMinutes"))
        .put("improvementPct", overall.getDouble("improvementPct"))
        .put("costAvoided", overall.getDouble("costAvoided"))
        .put("automationRate", overall.getDouble("automationRate"))
        .put("slaCompliance", overall.getJsonObject("sla").getDouble("compliance"))
        .put("sla", overall.getJsonObject("sla"))
        .put("perScenario", m.getJsonObject("perScenario"))
        .put("activeDrills", active.size())
        .put("openIncidents", active.values().stream().filter(d -> d.incident() != null
            && d.incident().status().isOpen()).count() + orphanIncidents.size())
        .put("latestDrills", new JsonArray(reports.list(10)))
        .put("recordedRuns", recorded.list().size());
  }
}
