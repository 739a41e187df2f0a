package dev.opshub.contract;

/**
 * Keys of the node-local shared map {@link MapNames#NODE} (String values), which the hub keeps and the web
 * verticle reads for {@code /health}.
 */
public final class NodeLocalMap {

  /** This node's id. */
  public static final String NODE_ID = "nodeId";
  /** The network transport of this node's event loops: {@code nio}, {@code epoll} or {@code io_uring}. */
  public static final String TRANSPORT = "transport";
  /** This node's roles, a comma list. */
  public static final String ROLES = "roles";
  /** JSON array string of {@code {"nodeId","roles","self","activeEngine"}}, oldest member first. */
  public static final String MEMBERS = "members";
  /** {@code "true"} when the node runs in a cluster. */
  public static final String CLUSTERED = "clustered";
  /**
   * {@code "true"} when an engine is active as far as this node knows: this node's own engine is active, or
   * another member with the engine role leads the election.
   */
  public static final String ENGINE_ACTIVE = "engineActive";
  /** {@code "true"} when this node runs the active engine. */
  public static final String ENGINE_LOCAL_ACTIVE = "engineLocalActive";
  /** Epoch of this node's active engine, {@code "0"} when standby or none. */
  public static final String ENGINE_EPOCH = "engineEpoch";
  /** Node id of the member that runs (or is about to run) the active engine, empty when none. */
  public static final String ENGINE_NODE = "engineNode";
  /**
   * {@link EngineStatus} JSON: the active engine as this node knows it (quorum, heard from lately), for
   * {@code /health} and the bridge's {@code ops.ping} answer; absent until the hub has looked.
   */
  public static final String ENGINE_STATUS = "engineStatus";
  /** Drills running on this node's active engine (a count), absent or {@code "0"} elsewhere. */
  public static final String DRILLS_RUNNING = "drillsRunning";
  /** Drills paused on this node's active engine (a count), absent or {@code "0"} elsewhere. */
  public static final String DRILLS_PAUSED = "drillsPaused";
  /** {@link QuorumStatus} JSON: the cluster quorum and whether this side has it; absent when none is configured. */
  public static final String QUORUM = "quorum";

  private NodeLocalMap() {
  }
}
