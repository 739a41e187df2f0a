package dev.opshub.engine.domain;

import dev.opshub.contract.WireName;

/**
 * What a drill does while an agent it waits for has no active instance anywhere in the cluster: wait for one to take
 * over (a failover shows as a pause, the drill's course unchanged), or go on at the agent's timeout with the
 * engine's fallback result, marked as such in the timeline.
 */
enum MissingAgentPolicy {
  WAIT, FALLBACK;

  /** Longest a drill waits for a missing agent before its fallback stands in after all. */
  static final long MAX_WAIT_MS = 5 * 60_000;

  String wireName() {
    return WireName.of(this);
  }

  static MissingAgentPolicy fromWire(String s) {
    return WireName.parse(MissingAgentPolicy.class, s, "missing-agent policy");
  }
}
