package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Clock;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.contract.MapNames;
import dev.opshub.drills.Scenario;
import dev.opshub.engine.StreamPublisher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The incident domain of the active engine: runs drills, each with its journal in the cluster map
 * {@link MapNames#JOURNAL} (so a standby engine that takes over rebuilds it exactly where it was), keeps incidents
 * in {@link MapNames#INCIDENTS} and drills in {@link MapNames#DRILLS}, publishes {@code ops.incidents}, {@code ops.incidents.timeline}, {@code ops.consensus},
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
  /** Longest a graceful stop waits for the journal writes in flight. */
  public static final long STOP_SETTLE_MS = 2000;

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
  private AsyncMap<String, JsonObject> journalMap;
  private AsyncMap<String, JsonObject> outcomesMap;
  /** Drill ids in the outcomes map, oldest end first. */
  private final Deque<String> outcomeIds = new ArrayDeque<>();
  private final Set<AgentId> missing = EnumSet.noneOf(AgentId.class);
  private Timers timers;
  private boolean stopping;
  /** The consumers of controls and queries. */
  private final List<MessageConsumer<Object>> requests = new ArrayList<>();
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

  /** Reads the scenarios and recorded runs ahead (a standby engine does, so that a takeover need not). */
  public static Future<Void> prepare(Vertx vertx) {
    return BuiltIns.load(vertx).mapEmpty();
  }

  @Override
  public Future<?> start() {
    autoDrills = config().getBoolean("autoDrills", false);
    autoDrillSpeed = config().getDouble("autoDrillSpeed", 30.0);
    timers = Timers.of(vertx);
    reports = new ReportStore(vertx, Path.of(config().getString("dataDir", "./data")).resolve("reports"));
    Future<Void> loaded = BuiltIns.load(vertx).map(b -> {
      scenarios = b.scenarios();
      recorded = b.recorded();
      return null;
    });
    Future<Void> maps = Future.all(
            vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.INCIDENTS).andThen(m -> incidentsMap = m.result()),
            vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.DRILLS).andThen(m -> drillsMap = m.result()),
            vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.JOURNAL).andThen(m -> journalMap = m.result()),
            vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.OUTCOMES).andThen(m -> outcomesMap = m.result()))
        .mapEmpty();
    Future<Void> pastReports = Future.all(reports.load(), maps).compose(all -> outcomesMap.values().map(kept -> {
      List<JsonObject> local = all.resultAt(0);
      pastOutcomes(local, kept);
      return null;
    }));
    // agents' reports are taken from the start (a rebuilt drill sends its tasks in flight again at once); drills
    // left by another engine are rebuilt before any request is answered: none meets a drill not there yet. The
    // past outcomes load meanwhile, and are counted before any figure is published or asked for
    Future<Void> restored = Future.all(loaded, maps)
        .compose(v -> Future.all(
            vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_REPORTS, this::onAgentReport).completion(),
            vertx.eventBus().<JsonObject>localConsumer(Addresses.LOCAL_AGENT_AVAILABILITY, this::onAvailability)
                .completion()))
        .compose(v -> restore());
    return Future.all(restored, pastReports)
        .compose(v -> {
          DrillControls controls = new DrillControls(scenarios, drills, this::randomSeed,
              (s, seed, speed, policy, timeout, missing, key) -> startDrill(s, seed, speed, policy, timeout, missing, false, key));
          EngineQueries queries = new EngineQueries(drills, scenarios, reports, metrics, recorded, orphanIncidents::size);
          requests.add(vertx.eventBus().consumer(Addresses.CONTROL_DRILLS, controls::handle));
          requests.add(vertx.eventBus().consumer(Addresses.INTERNAL_ENGINE_QUERY, queries::handle));
          return Future.all(requests.get(0).completion(), requests.get(1).completion());
        })
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
    // a stopping engine answers no request more (one sent meanwhile finds no handler: 503, not an answer from an
    // engine that stands down) and leaves its drills in the cluster map for the next one: their journals take
    // nothing more and the writes in flight settle (bounded), so the engine taking over reads every journal whole
    stopping = true;
    List<Future<Void>> sealed = new ArrayList<>();
    requests.forEach(c -> sealed.add(c.unregister()));
    for (DrillRunner d : drills.active()) {
      if (d.journal() != null) {
        sealed.add(d.journal().seal());
      }
    }
    return Future.join(sealed).timeout(STOP_SETTLE_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  /**
   * Open incidents and unfinished drills left by a previous engine: each drill that was running or paused is rebuilt
   * from its journal and goes on where it was, under the same id; one without a usable journal is kept and shown
   * as interrupted; open incidents are republished.
   */
  private Future<Void> restore() {
    return drillsMap.entries().compose(saved -> {
      List<Future<Boolean>> rebuilt = new ArrayList<>();
      for (Map.Entry<String, JsonObject> e : saved.entrySet()) {
        JsonObject d = e.getValue().copy();
        String state = d.getString("state");
        if (!DrillState.RUNNING.wireName().equals(state) && !DrillState.PAUSED.wireName().equals(state)) {
          drills.rememberFinished(d);
          continue;
        }
        rebuilt.add(DrillJournal.read(journalMap, e.getKey())
            .map(entries -> rebuild(e.getKey(), entries))
            .otherwise(err -> {
              LOG.warn("journal of drill {} unreadable: {}", e.getKey(), err.toString());
              return false;
            })
            .andThen(ar -> {
              if (!ar.result()) {
                d.put("state", "interrupted").put("phase", "interrupted")
                    .put("endReason", "the engine running it stopped and its journal cannot continue it; its incident is kept open");
                drills.rememberFinished(d);
                publisher.publish(Addresses.DRILLS, e.getKey(), d.copy());
              }
            }));
      }
      return Future.all(rebuilt).compose(v -> incidentsMap.entries()).map(incidents -> {
        int open = 0;
        for (Map.Entry<String, JsonObject> e : incidents.entrySet()) {
          JsonObject inc = e.getValue();
          if (IncidentStatus.CLOSED.wireName().equals(inc.getString("status"))) {
            closedIncidents.addLast(e.getKey());
            continue;
          }
          open++;
          if (drills.active(inc.getString("drillId")) == null) {
            orphanIncidents.put(e.getKey(), inc);
            publisher.publish(Addresses.INCIDENTS, e.getKey(), inc.copy());
          }
        }
        if (open > 0 || !saved.isEmpty()) {
          LOG.info("domain engine took over {} open incidents and {} drills ({} rebuilt from their journals)", open,
              saved.size(), drills.activeCount());
        }
        return null;
      });
    });
  }

  /** Rebuilds the drill {@code id} from its journal; false when the journal cannot continue it. */
  private boolean rebuild(String id, List<JsonObject> entries) {
    if (entries.isEmpty() || drills.activeCount() >= MAX_ACTIVE_DRILLS) {
      return false;
    }
    try {
      JsonObject first = entries.get(0);
      DrillSpec spec = DrillSpec.fromJson(first, scenarios);
      long position = entries.size() == 1 ? -1 : DrillInput.fromJson(entries.get(entries.size() - 1)).at();
      DrillJournal journal = new DrillJournal(id, journalMap, clock, timers, entries.size(), position);
      DrillRunner r = DrillRunner.rebuild(this, clock, timers, spec, first.getLong("startedTs"), entries, journal);
      if (r.active()) {
        drills.add(r);
      }
      LOG.info("drill {} ({} seed {}) rebuilt from {} journal entries: {} at drill phase {}", id, spec.scenario().id(),
          spec.seed(), entries.size(), r.state().wireName(), r.phase().wireName());
      return true;
    } catch (RuntimeException e) {
      LOG.warn("drill {} cannot be rebuilt from its journal: {}", id, e.toString());
      return false;
    }
  }

  /**
   * The business metrics of every drill that ended: those whose report is in this node's data directory and those
   * another engine kept in the outcomes map, once each, oldest first, so every engine shows the same figures.
   */
  private void pastOutcomes(List<JsonObject> localReports, List<JsonObject> kept) {
    Map<String, JsonObject> byDrill = new LinkedHashMap<>();
    localReports.forEach(r -> byDrill.put(r.getString("drillId"), r));
    kept.forEach(o -> byDrill.putIfAbsent(o.getString("drillId"), o));
    // a drill that ended while this engine rebuilt it (meanwhile) is counted already
    outcomeIds.forEach(byDrill::remove);
    List<JsonObject> all = new ArrayList<>(byDrill.values());
    all.sort(Comparator.comparingLong(r -> r.getLong("endedTs", 0L)));
    all.forEach(r -> metrics.add(BusinessMetrics.Outcome.fromReport(r)));
    List<String> older = kept.stream().sorted(Comparator.comparingLong(o -> o.getLong("endedTs", 0L)))
        .map(o -> o.getString("drillId")).filter(id -> !outcomeIds.contains(id)).toList();
    for (int i = older.size() - 1; i >= 0; i--) {
      outcomeIds.addFirst(older.get(i));
    }
    LOG.info("domain engine counts {} finished drills ({} reports in {}, {} outcomes in the cluster)", all.size(),
        localReports.size(), reports.dir(), kept.size());
  }

  /** Keeps a finished drill's outcome in the cluster (the newest {@link BusinessMetrics#MAX_OUTCOMES}). */
  private void keepOutcome(JsonObject report) {
    String id = report.getString("drillId");
    outcomesMap.put(id, new JsonObject().put("drillId", id).put("scenario", report.getString("scenario"))
        .put("endedTs", report.getLong("endedTs")).put("outcome", report.getJsonObject("outcome")));
    outcomeIds.remove(id);
    outcomeIds.addLast(id);
    while (outcomeIds.size() > BusinessMetrics.MAX_OUTCOMES) {
      outcomesMap.remove(outcomeIds.removeFirst());
    }
  }

  /** The cluster map keeps only the finished drills the registry keeps. */
  private void forgetDrill(String id) {
    drillsMap.remove(id);
  }

  // ---------------------------------------------------------------- DrillHost

  @Override
  public void publish(String address, String key, JsonObject body, String id) {
    publisher.publish(address, key, body, id);
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
  public void saveIncident(String id, JsonObject incident, boolean closed) {
    incidentsMap.put(id, incident).onFailure(e -> LOG.warn("incident {} not saved: {}", id, e.getMessage()));
    if (closed && !closedIncidents.contains(id)) {
      closedIncidents.addLast(id);
      while (closedIncidents.size() > MAX_CLOSED_INCIDENTS) {
        incidentsMap.remove(closedIncidents.removeFirst());
      }
    }
  }

  @Override
  public void saveDrill(String id, JsonObject drill) {
    drillsMap.put(id, drill).onFailure(e -> LOG.warn("drill {} not saved: {}", id, e.getMessage()));
  }

  @Override
  public void ended(DrillRunner drill, JsonObject report) {
    JsonObject state = drill.toJson();
    drills.ended(drill, state);
    metrics.add(BusinessMetrics.Outcome.fromReport(report));
    keepOutcome(report);
    publishMetrics();
    DrillJournal journal = drill.journal();
    // the drill's journal goes once its end is kept: its state in the drills map and its report on disk
    Future.all(drillsMap.put(drill.id(), state), reports.write(report))
        .onSuccess(v -> {
          LOG.info("drill {} ({}) ended: {}; report written", drill.id(), drill.spec().scenario().id(),
              report.getJsonObject("outcome").getString("reason"));
          if (journal != null) {
            journal.remove().onFailure(e -> LOG.warn("journal of drill {} not removed: {}", drill.id(), e.toString()));
          }
        })
        .onFailure(e -> LOG.error("end of drill {} not kept", drill.id(), e));
    if (drill.spec().auto() && autoDrills) {
      vertx.setTimer(AUTO_DRILL_GAP_MS, t -> nextAutoDrill());
    }
  }

  // ---------------------------------------------------------------- drills

  private void publishMetrics() {
    publisher.publish(Addresses.METRICS_BUSINESS, "business", metrics.toJson().put("activeDrills", drills.activeCount()));
    drills.keepCounts(vertx.sharedData().getLocalMap(MapNames.NODE));
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
        ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT, MissingAgentPolicy.WAIT, true, null);
  }

  private DrillRunner startDrill(Scenario s, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
                                 MissingAgentPolicy missingAgents, boolean auto, String requestKey) {
    String id = "drill-" + Long.toString(clock.currentTimeMillis(), 36) + "-" + (++counter);
    DrillRunner d = DrillRunner.start(this, clock, timers, new DrillSpec(id, s, seed, speed, policy, approvalTimeout,
        auto, missingAgents, requestKey), new DrillJournal(id, journalMap, clock, timers, 0, -1));
    missing.forEach(a -> d.agentAvailability(a, false));
    drills.add(d);
    return d;
  }

  private void onAvailability(Message<JsonObject> msg) {
    AgentId agent;
    try {
      agent = AgentId.fromWire(msg.body().getString("agent"));
    } catch (RuntimeException e) {
      LOG.warn("ignored an agent availability without a known agent: {}", msg.body());
      return;
    }
    boolean available = msg.body().getBoolean("available", true);
    if (available ? missing.remove(agent) : missing.add(agent)) {
      LOG.info("agent {} is {}", agent.wireName(), available ? "back" : "missing: drills that wait for it wait");
      drills.active().forEach(d -> d.agentAvailability(agent, available));
    }
  }

  private void onAgentReport(Message<JsonObject> msg) {
    if (stopping) {
      return;
    }
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
