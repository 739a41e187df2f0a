package dev.opshub.contract;

/** Names of the Micrometer meters that one module registers and another reads. */
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

  private MeterNames() {
  }
}
