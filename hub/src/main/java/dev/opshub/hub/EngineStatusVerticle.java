package dev.opshub.hub;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Clock;
import dev.opshub.contract.EngineStatus;
import dev.opshub.contract.Headers;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.QuorumStatus;
import dev.opshub.engine.EngineHealthVerticle;
import dev.opshub.engine.Membership;
import dev.opshub.engine.Quorum;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.shareddata.LocalMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node: keeps what it knows of the engine in the node-local map for {@code /health}, {@code /ready} and the
 * bridge's {@code ops.ping} answer ({@link NodeLocalMap#ENGINE_STATUS}, and {@link NodeLocalMap#QUORUM} when a quorum
 * is set): an active engine is known when this node runs it, or when one was heard from on {@code ops.health} lately
 * (it publishes there every {@value EngineHealthVerticle#AGENT_HEALTH_PERIOD_MS} ms); none from elsewhere is while
 * this side of the cluster lacks the quorum. Logs each change of what it tells.
 */
final class EngineStatusVerticle extends VerticleBase {

  /** How often the status is worked out again (also on every local engine change). */
  static final long REFRESH_MS = 500;
  /** An engine not heard from on {@code ops.health} for this long is not known any more (three rounds missed). */
  static final long HEARD_WITHIN_MS = 3 * EngineHealthVerticle.AGENT_HEALTH_PERIOD_MS;

  private static final Logger LOG = LoggerFactory.getLogger(EngineStatusVerticle.class);

  private final Membership membership;
  private final Quorum quorum;
  private final Clock clock;
  private long heardAtMs = Long.MIN_VALUE;
  private long heardEpoch;
  private EngineStatus told;

  EngineStatusVerticle(Membership membership, Quorum quorum) {
    this(membership, quorum, Clock.SYSTEM);
  }

  EngineStatusVerticle(Membership membership, Quorum quorum, Clock clock) {
    this.membership = membership;
    this.quorum = quorum;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    Future<Void> health = vertx.eventBus().<Object>consumer(Addresses.HEALTH, this::heard).completion();
    Future<Void> engine = vertx.eventBus().<Object>localConsumer(Addresses.LOCAL_ENGINE_CHANGED, m -> refresh()).completion();
    vertx.setPeriodic(REFRESH_MS, id -> refresh());
    return Future.all(health, engine).onSuccess(v -> refresh());
  }

  @Override
  public Future<?> stop() {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    node.remove(NodeLocalMap.ENGINE_STATUS);
    node.remove(NodeLocalMap.QUORUM);
    return Future.succeededFuture();
  }

  private void heard(Message<Object> message) {
    String epoch = message.headers().get(Headers.EPOCH);
    try {
      long value = epoch == null ? 0 : Long.parseLong(epoch);
      if (value >= heardEpoch || clock.currentTimeMillis() - heardAtMs > HEARD_WITHIN_MS) {
        heardEpoch = value;
        heardAtMs = clock.currentTimeMillis();
      }
    } catch (NumberFormatException ignored) {
      // the bridge reports malformed headers
    }
  }

  /** Works the status out from the quorum, the node map and what was heard, and keeps it in the node map. */
  void refresh() {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    boolean present = quorum.present();
    if (quorum.required() > 0) {
      node.put(NodeLocalMap.QUORUM, new QuorumStatus(quorum.required(), present, membership.members().size()).toJson().encode());
    }
    boolean local = Boolean.parseBoolean(node.get(NodeLocalMap.ENGINE_LOCAL_ACTIVE));
    long localEpoch = parse(node.get(NodeLocalMap.ENGINE_EPOCH));
    EngineStatus status = decide(present, local, localEpoch, membership.selfId(), node.get(NodeLocalMap.ENGINE_NODE),
        heardAtMs, heardEpoch, clock.currentTimeMillis());
    node.put(NodeLocalMap.ENGINE_STATUS, status.toJson().encode());
    if (!status.equals(told)) {
      if (told == null || status.active() != told.active() || status.reason() != told.reason()) {
        LOG.info("engine status on node {}: {}", membership.selfId(), describe(status));
      }
      told = status;
    }
  }

  /**
   * The engine as this node knows it: this node's own while it is active (until it has closed its publisher, which
   * it does as soon as it sees the quorum gone); else none without the quorum; else the one last heard from on
   * {@code ops.health}, if within {@link #HEARD_WITHIN_MS} of {@code nowMs}.
   *
   * @param leader the node the election names (the node map's engine node), maybe null or empty
   */
  static EngineStatus decide(boolean quorumPresent, boolean localActive, long localEpoch, String selfId, String leader,
                             long heardAtMs, long heardEpoch, long nowMs) {
    if (localActive) {
      return EngineStatus.active(localEpoch, selfId, true);
    }
    if (!quorumPresent) {
      return EngineStatus.none(EngineStatus.Reason.NO_QUORUM);
    }
    if (heardAtMs != Long.MIN_VALUE && nowMs - heardAtMs <= HEARD_WITHIN_MS && heardEpoch > 0) {
      return EngineStatus.active(heardEpoch, leader == null || leader.isEmpty() || leader.equals(selfId) ? null : leader, false);
    }
    return EngineStatus.none(EngineStatus.Reason.NO_ENGINE);
  }

  private static String describe(EngineStatus status) {
    if (status.active()) {
      return "active engine " + (status.local() ? "on this node" : "on node " + status.nodeId()) + ", epoch " + status.epoch();
    }
    return status.reason() == EngineStatus.Reason.NO_QUORUM
        ? "no engine in this part of the cluster (no quorum)" : "no active engine known";
  }

  private static long parse(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
