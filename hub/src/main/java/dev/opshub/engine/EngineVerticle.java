package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Clock;
import dev.opshub.contract.Headers;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeLocalMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The engine role: takes part in the leader election ({@link LeaderElection}: the oldest member with the engine
 * role is active, the others wait as standby) and, while active, runs the single writer of every {@code ops.*}
 * stream: a {@link SequencedPublisher} with a new epoch, the {@link EngineHealthVerticle}, the domain engine and,
 * when asked, the {@link BenchPublisher}. It acts only while its side of the cluster has the {@link Quorum}, and
 * steps down (closing the publisher, undeploying those) when it is no longer the leader or loses the quorum. An
 * active engine that sees a greater epoch than its own (on {@code ops.health} or in the epoch map, after a healed
 * partition) moves its publisher to a new, still greater epoch without touching the domain engine's state.
 * Elections are re-run on every membership change (local event {@link Addresses#LOCAL_MEMBERSHIP_CHANGED}) and every
 * {@link #RECHECK_MS}.
 *
 * <p>Config: {@code {"nodeId":..,"dataDir":"./data","autoDrills":false,"benchRate":0,"benchPayload":200}};
 * {@code nodeId}, {@code dataDir} and {@code autoDrills} are handed to the domain engine.
 */
public final class EngineVerticle extends VerticleBase {

  /** Safety net for missed membership events. */
  public static final long RECHECK_MS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(EngineVerticle.class);

  private enum Phase { STANDBY, ACTIVATING, ACTIVE, RAISING, DEACTIVATING }

  private final Membership membership;
  private final Quorum quorum;
  private final Function<StreamPublisher, Deployable> domainEngine;
  private Phase phase = Phase.STANDBY;
  private Future<Void> transition = Future.succeededFuture();
  private SequencedPublisher publisher;
  private final List<String> children = new ArrayList<>();
  private long greatestSeenEpoch;
  private String standbyUnder = "";
  /** Engines that stopped gracefully and handed over (node ids still members, left out of the election). */
  private final Set<String> handedOver = new HashSet<>();
  private long activationFailures;
  private boolean epochReadPending;

  /**
   * @param membership   the cluster's members (a single member when not clustered)
   * @param domainEngine makes the domain engine verticle for a new publisher, or null to run without one
   */
  public EngineVerticle(Membership membership, Function<StreamPublisher, Deployable> domainEngine) {
    this(membership, Quorum.NONE, domainEngine);
  }

  /**
   * @param membership   the cluster's members (a single member when not clustered)
   * @param quorum       whether this side of the cluster may run an engine ({@link Quorum#NONE}: always)
   * @param domainEngine makes the domain engine verticle for a new publisher, or null to run without one
   */
  public EngineVerticle(Membership membership, Quorum quorum, Function<StreamPublisher, Deployable> domainEngine) {
    this.membership = membership;
    this.quorum = quorum;
    this.domainEngine = domainEngine;
  }

  @Override
  public Future<?> start() {
    vertx.sharedData().getLocalMap(MapNames.NODE).put(NodeLocalMap.ENGINE_LOCAL_ACTIVE, "false");
    Future<Void> changes = vertx.eventBus().<Object>localConsumer(Addresses.LOCAL_MEMBERSHIP_CHANGED, m -> evaluate()).completion();
    // standby engines watch the active one's epoch, so a takeover always goes higher
    Future<Void> health = vertx.eventBus().<Object>consumer(Addresses.HEALTH, this::seeEpoch).completion();
    Future<Void> handover = vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_ENGINE_HANDOVER, this::handedOver)
        .completion();
    vertx.setPeriodic(RECHECK_MS, id -> recheck());
    return Future.all(changes, health, handover).compose(v -> evaluate());
  }

  /**
   * A graceful stop of the active engine: the domain engine first (its journals settle), then the publisher; then
   * the standbys are told, so the next one takes over now rather than once this node has left the cluster.
   */
  @Override
  public Future<?> stop() {
    boolean wasActive = phase == Phase.ACTIVE || phase == Phase.RAISING;
    return undeployChildren().otherwiseEmpty().andThen(v -> {
      if (publisher != null) {
        publisher.close();
      }
      vertx.sharedData().getLocalMap(MapNames.NODE).put(NodeLocalMap.ENGINE_LOCAL_ACTIVE, "false");
      if (wasActive) {
        vertx.eventBus().publish(Addresses.INTERNAL_ENGINE_HANDOVER, new JsonObject().put("nodeId", membership.selfId()));
        LOG.info("engine stopped, handed over to the standby engines");
      } else {
        LOG.info("engine stopped");
      }
    });
  }

  private void handedOver(Message<JsonObject> msg) {
    String node = msg.body() == null ? null : msg.body().getString("nodeId");
    if (node == null || node.equals(membership.selfId())) {
      return;
    }
    if (membership.members().stream().anyMatch(m -> m.nodeId().equals(node)) && handedOver.add(node)) {
      LOG.info("engine on node {} stopped and handed over", node);
      evaluate();
    }
  }

  /** True while this node runs the active engine. */
  public boolean isActive() {
    return phase == Phase.ACTIVE;
  }

  /** The active epoch, or 0 when standby. */
  public long epoch() {
    return phase == Phase.ACTIVE && publisher != null ? publisher.epoch() : 0;
  }

  private Future<Void> evaluate() {
    if (phase != Phase.STANDBY && phase != Phase.ACTIVE) {
      return transition;
    }
    List<ClusterMember> members = membership.members();
    handedOver.removeIf(id -> members.stream().noneMatch(m -> m.nodeId().equals(id)));
    boolean leader = LeaderElection.leader(members, handedOver).map(membership.selfId()::equals).orElse(false);
    boolean quorate = quorum.present();
    if (phase == Phase.STANDBY && leader && quorate) {
      return transition(activate());
    }
    if (phase == Phase.ACTIVE && !(leader && quorate)) {
      return transition(deactivate(quorate ? "no longer the leader"
          : "no quorum: this side of the cluster sees fewer than " + quorum.required() + " members"));
    }
    if (phase == Phase.ACTIVE && greatestSeenEpoch > publisher.epoch()) {
      return transition(raiseEpoch());
    }
    if (phase == Phase.STANDBY) {
      String current = !quorate ? "no quorum" : LeaderElection.leader(members, handedOver).orElse("none");
      if (!current.equals(standbyUnder)) {
        standbyUnder = current;
        if (quorate) {
          LOG.info("engine standby, active engine on node {}", current);
        } else {
          LOG.info("engine standby: no quorum (this side of the cluster sees fewer than {} members)", quorum.required());
        }
      }
    }
    return Future.succeededFuture();
  }

  private Future<Void> transition(Future<Void> step) {
    transition = step.eventually(() -> {
      evaluate();
      return Future.succeededFuture();
    });
    return transition;
  }

  /**
   * Every {@link #RECHECK_MS}: the election again, and the active engine also reads the epoch map, which a healed
   * partition merges (to its greatest epoch). A read that hangs (a map partition behind a cut) delays nothing else.
   */
  private void recheck() {
    evaluate();
    if (phase != Phase.ACTIVE || epochReadPending) {
      return;
    }
    epochReadPending = true;
    vertx.sharedData().<String, Long>getAsyncMap(MapNames.ENGINE)
        .compose(map -> map.get(MapNames.EPOCH_KEY))
        .onComplete(ar -> {
          epochReadPending = false;
          if (ar.succeeded() && ar.result() != null && ar.result() > greatestSeenEpoch) {
            greatestSeenEpoch = ar.result();
            evaluate();
          }
        });
  }

  private Future<Void> activate() {
    phase = Phase.ACTIVATING;
    long started = System.nanoTime();
    return nextEpoch()
        .compose(epoch -> {
          publisher = new SequencedPublisher(vertx.eventBus(), epoch);
          return deployChildren(publisher);
        })
        .andThen(ar -> {
          if (ar.succeeded()) {
            phase = Phase.ACTIVE;
            standbyUnder = "";
            activationFailures = 0;
            LOG.info("engine active, epoch={} (ready in {} ms)", publisher.epoch(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            signal(true);
          } else {
            activationFailures++;
            if (activationFailures == 1) {
              LOG.error("engine activation failed, will retry every {} ms", RECHECK_MS, ar.cause());
            } else if (activationFailures % 60 == 0) {
              LOG.error("engine activation still failing ({} attempts): {}", activationFailures, ar.cause().toString());
            }
            if (publisher != null) {
              publisher.close();
            }
            undeployChildren().onComplete(v -> phase = Phase.STANDBY);
          }
        })
        .mapEmpty();
  }

  private Future<Void> deactivate(String why) {
    phase = Phase.DEACTIVATING;
    long epoch = publisher.epoch();
    publisher.close();
    // nothing more is published from here on: the node's map says so at once, the undeploy may take a while
    mark(false);
    LOG.info("engine standing down from epoch={} ({}): publisher closed", epoch, why);
    return undeployChildren().andThen(ar -> {
      phase = Phase.STANDBY;
      standbyUnder = "";
      LOG.info("engine stepped down from epoch={} ({})", epoch, why);
      signal(false);
    });
  }

  /** Adds to meter {@code opshub.bench.skipped} when there is a registry (one counter over every epoch). */
  private static LongConsumer skippedCounter() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return skipped -> { };
    }
    Counter counter = Counter.builder(MeterNames.BENCH_SKIPPED)
        .description("bench messages the publisher skipped because it fell behind").register(registry);
    return counter::increment;
  }

  /**
   * Another engine published a greater epoch than this one's (both sides of a partition ran one): clients that saw
   * it would refuse this engine's messages, so the publisher moves to an epoch above every one seen. The domain
   * engine keeps running with the same publisher and state.
   */
  private Future<Void> raiseEpoch() {
    phase = Phase.RAISING;
    long from = publisher.epoch();
    long seen = greatestSeenEpoch;
    return nextEpoch().andThen(ar -> {
      phase = Phase.ACTIVE;
      if (ar.succeeded() && ar.result() > publisher.epoch()) {
        publisher.advanceEpoch(ar.result());
        LOG.info("engine active, epoch={} (raised from {}: epoch {} was seen, from another engine on ops.health or "
            + "in the merged epoch map)", ar.result(), from, seen);
        signal(true);
      }
    }).mapEmpty();
  }

  private Future<Void> deployChildren(StreamPublisher streams) {
    JsonObject config = config();
    JsonObject domainConfig = new JsonObject()
        .put("nodeId", config.getString("nodeId", membership.selfId()))
        .put("dataDir", config.getString("dataDir", "./data"))
        .put("autoDrills", config.getBoolean("autoDrills", false));
    List<Deployable> verticles = new ArrayList<>();
    verticles.add(new EngineHealthVerticle(streams));
    if (domainEngine != null) {
      verticles.add(domainEngine.apply(streams));
    }
    int benchRate = config.getInteger("benchRate", 0);
    if (benchRate > 0) {
      verticles.add(new BenchPublisher(streams, Addresses.BENCH, benchRate, config.getInteger("benchPayload", 200),
          Clock.SYSTEM, skippedCounter()));
    }
    // side by side: a takeover waits for the slowest, not for the sum
    List<Future<String>> deployed = new ArrayList<>();
    for (Deployable verticle : verticles) {
      deployed.add(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(domainConfig.copy()))
          .andThen(ar -> {
            if (ar.succeeded()) {
              children.add(ar.result());
            }
          }));
    }
    return Future.all(deployed).mapEmpty();
  }

  private Future<Void> undeployChildren() {
    List<Future<Void>> undeploys = new ArrayList<>();
    for (int i = children.size() - 1; i >= 0; i--) {
      undeploys.add(vertx.undeploy(children.get(i)));
    }
    children.clear();
    return Future.join(undeploys).mapEmpty();
  }

  private Future<Long> nextEpoch() {
    long now = System.currentTimeMillis();
    return vertx.sharedData().<String, Long>getAsyncMap(MapNames.ENGINE)
        .compose(map -> map.get(MapNames.EPOCH_KEY).compose(stored -> {
          long epoch = LeaderElection.nextEpoch(now, Math.max(stored == null ? 0 : stored, greatestSeenEpoch));
          return storeEpoch(map, epoch);
        }))
        .recover(e -> {
          LOG.warn("epoch map unavailable ({}), using local knowledge", e.toString());
          return Future.succeededFuture(LeaderElection.nextEpoch(now, greatestSeenEpoch));
        })
        .andThen(ar -> greatestSeenEpoch = Math.max(greatestSeenEpoch, ar.result()));
  }

  private static Future<Long> storeEpoch(AsyncMap<String, Long> map, long epoch) {
    return map.put(MapNames.EPOCH_KEY, epoch).map(epoch);
  }

  private void seeEpoch(Message<Object> message) {
    String epoch = message.headers().get(Headers.EPOCH);
    if (epoch != null) {
      long seen;
      try {
        seen = Long.parseLong(epoch);
      } catch (NumberFormatException ignored) {
        // not ours to judge; the bridge reports malformed headers
        return;
      }
      greatestSeenEpoch = Math.max(greatestSeenEpoch, seen);
      if (phase == Phase.ACTIVE && seen > publisher.epoch()) {
        evaluate();
      }
    }
  }

  private void signal(boolean active) {
    mark(active);
    vertx.eventBus().publish(Addresses.LOCAL_ENGINE_CHANGED, active, new DeliveryOptions().setLocalOnly(true));
  }

  private void mark(boolean active) {
    vertx.sharedData().getLocalMap(MapNames.NODE).put(NodeLocalMap.ENGINE_LOCAL_ACTIVE, Boolean.toString(active));
    vertx.sharedData().getLocalMap(MapNames.NODE).put(NodeLocalMap.ENGINE_EPOCH, active ? Long.toString(publisher.epoch()) : "0");
  }
}
