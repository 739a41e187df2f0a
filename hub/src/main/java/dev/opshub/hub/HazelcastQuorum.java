package dev.opshub.hub;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import dev.opshub.engine.Quorum;

/**
 * The quorum as Hazelcast's split-brain protection of the opshub maps sees it ({@link ClusterConfig#QUORUM_NAME}):
 * every member counts, whatever its roles, while it was heard from lately. So the engine acts exactly where the
 * maps it writes take writes.
 */
final class HazelcastQuorum implements Quorum {

  private final HazelcastInstance hazelcast;
  private final SplitBrainProtection protection;
  private final int required;

  HazelcastQuorum(HazelcastInstance hazelcast, int required) {
    this.hazelcast = hazelcast;
    this.protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(ClusterConfig.QUORUM_NAME);
    this.required = required;
  }

  @Override
  public int required() {
    return required;
  }

  @Override
  public boolean present() {
    return hazelcast.getLifecycleService().isRunning() && protection.hasMinimumSize();
  }
}
