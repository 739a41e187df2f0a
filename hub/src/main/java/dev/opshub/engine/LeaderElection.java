package dev.opshub.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who runs the active engine: the oldest cluster member whose roles include {@code engine}. Every member sees
 * the same ordered member list, so every member reaches the same answer without a lock or a CP subsystem;
 * a new member is always the youngest, so leadership only moves when the leader leaves.
 */
public final class LeaderElection {

  private LeaderElection() {
  }

  /** The leader's node id among {@code membersOldestFirst}, or empty when no member runs the engine role. */
  public static Optional<String> leader(List<ClusterMember> membersOldestFirst) {
    return membersOldestFirst.stream()
        .filter(m -> m.hasRole(ClusterMember.ROLE_ENGINE))
        .map(ClusterMember::nodeId)
        .findFirst();
  }

  /** The leader among {@code membersOldestFirst} leaving out the nodes in {@code handedOver} (engines that stopped). */
  public static Optional<String> leader(List<ClusterMember> membersOldestFirst, Set<String> handedOver) {
    return membersOldestFirst.stream()
        .filter(m -> m.hasRole(ClusterMember.ROLE_ENGINE) && !handedOver.contains(m.nodeId()))
        .map(ClusterMember::nodeId)
        .findFirst();
  }

  /** True when {@code selfId} is the leader among {@code membersOldestFirst}. */
  public static boolean isLeader(String selfId, List<ClusterMember> membersOldestFirst) {
    return leader(membersOldestFirst).map(selfId::equals).orElse(false);
  }

  /** The epoch of a new activation: now, but strictly greater than any epoch seen before. */
  public static long nextEpoch(long nowMillis, long greatestSeen) {
    return Math.max(nowMillis, greatestSeen + 1);
  }
}
