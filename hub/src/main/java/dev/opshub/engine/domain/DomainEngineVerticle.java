package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Clock;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.contract.MapNames;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import dev.opshub.engine.StreamPublisher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The incident domain of the active engine: runs drills, keeps incidents in the cluster map
 * {@link MapNames#INCIDENTS} (and drills in {@link MapNames#DRILLS}) so a standby engine that takes over keeps
 * them, publishes {@code ops.incidents}, {@code ops.incidents.timeline}, {@code ops.consensus},
 * {@code ops.drills} and {@code ops.metrics.business}, writes after-action reports, and answers
 * {@link Addresses#CONTROL_DRILLS} ({@link DrillControls}) and {@link Addresses#INTERNAL_ENGINE_QUERY}
 * ({@link EngineQueries}).
 *
 * <p>Config: {@code {"dataDir":"./data","autoDrills":false,"autoDrillSpeed":30}}.
 */
public class DomainEngineVerticle extends VerticleBase implements DrillHost {

  /** Drills running (or paused) at once. */
  public static final int MAX_ACTIVE_DRILLS = 20;
  /** Closed incidents kept in the cluster map. */
  public static final int MAX_CLOSED_INCIDENTS = 200;
  public static final long METRICS_PERIOD_MS = 1000;
  public static final long AUTO_DRILL_GAP_MS = 3000;

  private static final Logger LOG = LoggerFactory.getLogger(DomainEngineVerticle.class);

  private final StreamPublisher publisher;
  private final Clock clock;
  private boolean autoDrills;
  private double autoDrillSpeed;
  private Map<String, Scenario> scenarios;
  private ReportStore reports;
  private RecordedRuns recorded;
  private final BusinessMetrics metrics = new BusinessMetrics();
  private final DrillRegistry drills = new DrillRegistry(this::forgetDrill);
  private final Map<String, JsonObject> orphanIncidents = new LinkedHashMap<>();
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
        .compose(v -> {
          DrillControls controls = new DrillControls(scenarios, drills, this::randomSeed,
              (s, seed, speed, policy, timeout) -> startDrill(s, seed, speed, policy, timeout, false));
          EngineQueries queries = new EngineQueries(drills, scenarios, reports, metrics, recorded, orphanIncidents::size);
          return Future.all(
              vertx.eventBus().consumer(Addresses.CONTROL_DRILLS, controls::handle).completion(),
              vertx.eventBus().consumer(Addresses.INTERNAL_ENGINE_QUERY, queries::handle).completion(),
              vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_REPORTS, this::onAgentReport).completion());
        })
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
    return incidentsMap.entries().compose(incidents -> drillsMap.entries().map(saved -> {
      int resumed = 0;
      Set<String> resumedDrills = new HashSet<>();
      for (Map.Entry<String, JsonObject> e : saved.entrySet()) {
        JsonObject d = e.getValue().copy();
        String state = d.getString("state");
        if (!DrillState.RUNNING.wireName().equals(state) && !DrillState.PAUSED.wireName().equals(state)) {
          drills.rememberFinished(d);
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
        drills.rememberFinished(d);
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
      if (open > 0 || !saved.isEmpty()) {
        LOG.info("domain engine took over {} open incidents and {} drills ({} resumed)", open, saved.size(), resumed);
      }
      return null;
    }));
  }

  /** Starts the replay of a drill another engine was running, or returns null when it cannot be resumed. */
  private DrillRunner resumable(JsonObject d) {
    try {
      Scenario s = scenarios.get(d.getString("scenario"));
      String id = d.getString("id");
      if (s == null || id == null || drills.activeCount() >= MAX_ACTIVE_DRILLS) {
        return null;
      }
      Map<AgentId, String> faults = new EnumMap<>(AgentId.class);
      d.getJsonObject("faults", new JsonObject()).forEach(f -> faults.put(AgentId.fromWire(f.getKey()),
          String.valueOf(f.getValue())));
      DrillRunner r = new DrillRunner(this, clock, Timers.of(vertx), new DrillSpec(id, s, d.getLong("seed"),
          d.getDouble("speed"), ApprovalPolicy.fromWire(d.getString("policy", "auto_approve")),
          d.getDouble("approvalTimeoutSeconds", ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT), d.getBoolean("auto", false)));
      r.replayUntil(d.getDouble("drillTime", 0.0), DrillState.PAUSED.wireName().equals(d.getString("state")), faults);
      drills.add(r);
      r.start();
      LOG.info("resuming drill {} ({} seed {}) from drill time {}s", id, s.id(), r.spec().seed(), d.getDouble("drillTime"));
      return r;
    } catch (RuntimeException e) {
      LOG.warn("drill {} cannot be resumed: {}", d.getString("id"), e.toString());
      return null;
    }
  }

  /** The cluster map keeps only the finished drills the registry keeps. */
  private void forgetDrill(String id) {
    drillsMap.remove(id);
  }

  // ---------------------------------------------------------------- DrillHost

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
    JsonObject state = drill.toJson();
    drills.ended(drill, state);
    drillsMap.put(drill.id(), state);
    metrics.add(BusinessMetrics.Outcome.fromReport(report));
    publishMetrics();
    reports.write(report)
        .onSuccess(v -> LOG.info("drill {} ({}) ended: {}; report written", drill.id(), drill.spec().scenario().id(),
            report.getJsonObject("outcome").getString("reason")))
        .onFailure(e -> LOG.error("report of drill {} not written", drill.id(), e));
    if (drill.spec().auto() && autoDrills) {
      vertx.setTimer(AUTO_DRILL_GAP_MS, t -> nextAutoDrill());
    }
  }

  // ---------------------------------------------------------------- drills

  private void publishMetrics() {
    publisher.publish(Addresses.METRICS_BUSINESS, "business", metrics.toJson()
        .put("activeDrills", drills.activeCount()));
  }

  private long randomSeed() {
    return random.nextInt(1_000_000);
  }

  private void nextAutoDrill() {
    if (drills.active().stream().anyMatch(d -> d.spec().auto())) {
      return;
    }
    List<String> ids = new ArrayList<>(scenarios.keySet());
    String scenario = ids.get(autoIndex++ % ids.size());
    long seed = randomSeed();
    LOG.info("auto drill: {} with seed {} at speed {}", scenario, seed, autoDrillSpeed);
    startDrill(scenarios.get(scenario), seed, autoDrillSpeed, ApprovalPolicy.AUTO_APPROVE,
        ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT, true);
  }

  private DrillRunner startDrill(Scenario s, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
                                 boolean auto) {
    String id = "drill-" + Long.toString(clock.currentTimeMillis(), 36) + "-" + (++counter);
    DrillRunner d = new DrillRunner(this, clock, Timers.of(vertx), new DrillSpec(id, s, seed, speed, policy,
        approvalTimeout, auto));
    drills.add(d);
    d.start();
    return d;
  }

  private void onAgentReport(Message<JsonObject> msg) {
    String drillId = msg.body().getString("drillId");
    DrillRunner d = drillId == null ? null : drills.active(drillId);
    if (d == null) {
      return;
    }
    try {
      d.onReport(AgentReport.fromJson(msg.body()));
    } catch (RuntimeException e) {
      LOG.warn("malformed agent report for drill {}: {}", drillId, e.getMessage());
    }
  }
}
