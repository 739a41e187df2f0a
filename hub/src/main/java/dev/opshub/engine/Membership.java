package dev.opshub.engine;

import java.util.List;

/**
 * The cluster's members as this node sees them. Implementations answer from local state (no network call),
 * from any thread.
 */
public interface Membership {

  /** This node's id. */
  String selfId();

  /** Current members, oldest first (the order the cluster agrees on), this node included. */
  List<ClusterMember> members();

  /** Calls {@code listener} (on any thread) whenever a member joins or leaves. */
  void onChange(Runnable listener);
}
