package dev.opshub.contract;

/** Names of the shared-data maps opshub uses: node-local maps and cluster-wide (Hazelcast) maps. */
public final class MapNames {

  /** Node-local map of this node's identity, roles, members and engine (keys: {@link NodeLocalMap}). */
  public static final String NODE = "opshub.node";
  /** Cluster map holding the greatest engine epoch given so far, under {@link #EPOCH_KEY}. */
  public static final String ENGINE = "opshub.engine";
  /** Key of the greatest epoch in {@link #ENGINE}. */
  public static final String EPOCH_KEY = "epoch";
  /** Cluster map of incidents by id (JSON as on {@link Addresses#INCIDENTS}), kept for a standby engine. */
  public static final String INCIDENTS = "opshub.incidents";
  /** Cluster map of drills by id (JSON as on {@link Addresses#DRILLS}), kept for a standby engine. */
  public static final String DRILLS = "opshub.drills";
  /**
   * Cluster map of each running drill's journal: its spec and every input it acted on, under
   * {@code <drillId>/<n>}, written before the input is acted on, so a standby engine continues the drill exactly.
   */
  public static final String JOURNAL = "opshub.journal";
  /** Cluster map of finished drills' outcomes by drill id, for the business metrics every engine computes alike. */
  public static final String OUTCOMES = "opshub.outcomes";
  /**
   * Cluster map of the nodes the active engine has published on {@code ops.health}, so a successor can report the gone
   * ones down: keys as on that stream, {@code node:<id>} ({@code {"lastSeen":ms}}) and {@code agent:<id>} (the node of
   * the agent's latest status, {@code {"node":id,"lastSeen":ms}}); bounded by the engine's bound on tracked nodes.
   */
  public static final String KNOWN_NODES = "opshub.nodes";
  /** Hazelcast member attribute holding a member's roles, a comma list. */
  public static final String ROLES_ATTRIBUTE = "opshub.roles";

  private MapNames() {
  }
}
