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
  /** Hazelcast member attribute holding a member's roles, a comma list. */
  public static final String ROLES_ATTRIBUTE = "opshub.roles";

  private MapNames() {
  }
}
