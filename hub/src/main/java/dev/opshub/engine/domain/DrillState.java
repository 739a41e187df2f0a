package dev.opshub.engine.domain;

import dev.opshub.contract.WireName;

/** A drill's run state ({@code state} on {@code ops.drills} and in its report). */
enum DrillState {
  RUNNING, PAUSED, COMPLETED, STOPPED;

  /** The name in JSON, e.g. {@code running}. */
  String wireName() {
    return WireName.of(this);
  }

  /** Running or paused: the drill still reacts to agents and controls. */
  boolean active() {
    return this == RUNNING || this == PAUSED;
  }
}
