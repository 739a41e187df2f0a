package dev.opshub.hub;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.micrometer.backends.BackendRegistries;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;

/**
 * Every node, every {@link #PERIOD_MS}: publishes its {@link NodeStats} on {@code internal.nodes.stats} (the
 * active engine republishes them on {@code ops.health}). Heap from the memory MXBean, process CPU from the
 * OS MXBean, event-loop delay as the lateness of a {@link #PROBE_MS} timer (worst over the period), bridge
 * connections and deliveries/s from the Micrometer meters {@value MeterNames#BRIDGE_CONNECTIONS} and
 * {@value MeterNames#BRIDGE_DELIVERIES} when the web role registered them (0 otherwise).
 */
final class NodeStatsVerticle extends VerticleBase {

  static final long PERIOD_MS = 1_000;
  static final long PROBE_MS = 100;

  private final String nodeId;
  private final List<String> roles;
  private final MeterRegistry registry;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private long probeDue;
  private long worstDelayNanos;
  private double lastDeliveries = -1;
  private long lastSentNanos;

  /**
   * @param registry the node's meter registry (the one Vert.x and the web role report to), or null to read
   *                 {@link BackendRegistries#getDefaultNow()} at each report
   */
  NodeStatsVerticle(String nodeId, List<String> roles, MeterRegistry registry) {
    this.nodeId = nodeId;
    this.roles = List.copyOf(roles);
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    probeDue = System.nanoTime() + PROBE_MS * 1_000_000;
    vertx.setPeriodic(PROBE_MS, id -> probe());
    vertx.setPeriodic(PERIOD_MS, id -> send());
    lastSentNanos = System.nanoTime();
    return Future.succeededFuture();
  }

  private void probe() {
    long now = System.nanoTime();
    worstDelayNanos = Math.max(worstDelayNanos, now - probeDue);
    probeDue = now + PROBE_MS * 1_000_000;
  }

  private void send() {
    long now = System.nanoTime();
    MemoryUsage heap = memory.getHeapMemoryUsage();
    MeterRegistry registry = this.registry != null ? this.registry : BackendRegistries.getDefaultNow();
    long connections = registry == null ? 0 : (long) sum(registry, MeterNames.BRIDGE_CONNECTIONS);
    double deliveries = registry == null ? 0 : sum(registry, MeterNames.BRIDGE_DELIVERIES);
    double perSec = 0;
    if (lastDeliveries >= 0 && deliveries >= lastDeliveries) {
      perSec = (deliveries - lastDeliveries) * 1e9 / Math.max(1, now - lastSentNanos);
    }
    lastDeliveries = deliveries;
    lastSentNanos = now;
    NodeStats stats = new NodeStats(nodeId, roles, heap.getUsed(), heap.getMax(), processCpu(),
        Math.max(0, worstDelayNanos) / 1e6, connections, perSec, System.currentTimeMillis());
    worstDelayNanos = 0;
    vertx.eventBus().publish(Addresses.INTERNAL_NODE_STATS, stats.toJson());
  }

  private double processCpu() {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      double load = sun.getProcessCpuLoad();
      return load < 0 || Double.isNaN(load) ? -1 : load;
    }
    return -1;
  }

  /** Sum of every meter named {@code name} (all tag sets): gauge values or counter counts. */
  static double sum(MeterRegistry registry, String name) {
    double total = 0;
    for (Meter meter : registry.find(name).meters()) {
      if (meter instanceof Gauge gauge) {
        total += finite(gauge.value());
      } else if (meter instanceof TimeGauge gauge) {
        total += finite(gauge.value());
      } else if (meter instanceof Counter counter) {
        total += finite(counter.count());
      } else if (meter instanceof FunctionCounter counter) {
        total += finite(counter.count());
      }
    }
    return total;
  }

  private static double finite(double value) {
    return Double.isFinite(value) ? value : 0;
  }
}
