package dev.opshub.hub;

import dev.opshub.contract.EngineStatus;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.engine.Membership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * The node's gauges of the cluster and the engine, read at each scrape: the members this node sees (from the
 * membership), and from the node-local map that the engine and the hub keep: whether this node runs the active
 * engine, the active engine's epoch as this node knows it, and the drills of this node's active engine by state.
 */
final class NodeMeters {

  private NodeMeters() {
  }

  /** Registers the gauges on {@code registry}; {@code node} is the node-local map ({@code MapNames.NODE}). */
  static void register(MeterRegistry registry, Membership membership, LocalMap<String, String> node) {
    Gauge.builder(MeterNames.CLUSTER_MEMBERS, membership, m -> m.members().size())
        .description("Members of the cluster this node sees (1 when not clustered)").register(registry);
    Gauge.builder(MeterNames.ENGINE_ACTIVE, node, n -> localActive(n) ? 1 : 0).strongReference(true)
        .description("1 while this node runs the active engine, else 0").register(registry);
    Gauge.builder(MeterNames.ENGINE_EPOCH, node, NodeMeters::knownEpoch).strongReference(true)
        .description("Epoch of the active engine as this node knows it, 0 when it knows none").register(registry);
    Gauge.builder(MeterNames.ENGINE_DRILLS, node, n -> drills(n, NodeLocalMap.DRILLS_RUNNING)).strongReference(true)
        .tag(MeterNames.TAG_STATE, "running")
        .description("Drills of this node's active engine by state (0 on every other node)").register(registry);
    Gauge.builder(MeterNames.ENGINE_DRILLS, node, n -> drills(n, NodeLocalMap.DRILLS_PAUSED)).strongReference(true)
        .tag(MeterNames.TAG_STATE, "paused")
        .description("Drills of this node's active engine by state (0 on every other node)").register(registry);
  }

  static boolean localActive(LocalMap<String, String> node) {
    return Boolean.parseBoolean(node.get(NodeLocalMap.ENGINE_LOCAL_ACTIVE));
  }

  /** The epoch of {@link NodeLocalMap#ENGINE_STATUS} when it knows an active engine, else 0. */
  static double knownEpoch(LocalMap<String, String> node) {
    String status = node.get(NodeLocalMap.ENGINE_STATUS);
    if (status == null) {
      return 0;
    }
    try {
      EngineStatus engine = EngineStatus.fromJson(new JsonObject(status));
      return engine.active() ? engine.epoch() : 0;
    } catch (DecodeException | IllegalArgumentException e) {
      return 0;
    }
  }

  /**
   * The count the domain engine keeps under {@code key} while this node's engine is active; 0 otherwise (a count
   * left by an engine that stood down is not counted).
   */
  static double drills(LocalMap<String, String> node, String key) {
    if (!localActive(node)) {
      return 0;
    }
    try {
      String count = node.get(key);
      return count == null ? 0 : Long.parseLong(count);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
