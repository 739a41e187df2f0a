package dev.opshub.engine.domain;

import dev.opshub.contract.WireName;

/**
 * Where a drill is in handling its incident ({@code phase} on {@code ops.drills}), with the share of the drill
 * it counts as done ({@code progress}).
 */
enum DrillPhase {
  MONITORING(0.05),
  TRIAGE(0.15),
  ANALYSIS(0.3),
  PROPOSAL(0.45),
  AWAITING_APPROVAL(0.55),
  ESCALATED(0.5),
  REMEDIATION(0.65),
  RECOVERY(0.75),
  CLOSING(0.9),
  DONE(1.0);

  private final double progress;

  DrillPhase(double progress) {
    this.progress = progress;
  }

  /** Share of the drill done, 0..1. */
  double progress() {
    return progress;
  }

  /** The name in JSON, e.g. {@code awaiting_approval}. */
  String wireName() {
    return WireName.of(this);
  }
}
