package dev.opshub.contract;

/**
 * Names of the Micrometer meters that one module registers and another reads (dashboards and alert rules read
 * them too). Prometheus names: dots become underscores, counters get {@code _total}, timers {@code _seconds},
 * byte gauges {@code _bytes} ({@code opshub.bridge.deliveries} is scraped as {@code opshub_bridge_deliveries_total}).
 */
public final class MeterNames {

  /** Prefix of every bridge meter. */
  public static final String BRIDGE_PREFIX = "opshub.bridge.";
  /** Gauge: open bridge connections on this node. */
  public static final String BRIDGE_CONNECTIONS = BRIDGE_PREFIX + "connections";
  /** Counter: messages the bridge wrote to sockets. */
  public static final String BRIDGE_DELIVERIES = BRIDGE_PREFIX + "deliveries";
  /** Counter: messages the bench publisher skipped because it fell behind (see {@code ops.bench}'s skipped). */
  public static final String BENCH_SKIPPED = "opshub.bench.skipped";
  /** Gauge: members of the cluster this node sees. */
  public static final String CLUSTER_MEMBERS = "opshub.cluster.members";
  /** Gauge: 1 while this node runs the active engine, else 0. */
  public static final String ENGINE_ACTIVE = "opshub.engine.active";
  /** Gauge: the epoch of the active engine as this node knows it, 0 when it knows none. */
  public static final String ENGINE_EPOCH = "opshub.engine.epoch";
  /** Gauge, tag {@value #TAG_STATE}: drills of this node's active engine by state ({@code running}, {@code paused}). */
  public static final String ENGINE_DRILLS = "opshub.engine.drills";
  /** Gauge: 1 while {@code /ready} answers 200 on this node, else 0. */
  public static final String NODE_READY = "opshub.node.ready";
  /** Timer, tag {@value #TAG_LOOP}: how late a timer fires on each event loop of this node. */
  public static final String EVENT_LOOP_DELAY = "opshub.eventloop.delay";

  /** Tag of {@link #ENGINE_DRILLS}. */
  public static final String TAG_STATE = "state";
  /** Tag of {@link #EVENT_LOOP_DELAY}: the event loop's thread name. */
  public static final String TAG_LOOP = "loop";

  private MeterNames() {
  }
}
