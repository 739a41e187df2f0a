package dev.opshub.engine.domain;

import dev.opshub.contract.WireName;

import java.util.Locale;

/** What a drill does when a round needs approval and no operator answers within the approval timeout. */
enum ApprovalPolicy {
  AUTO_APPROVE, AUTO_REJECT, WAIT;

  /** Drill seconds a round waits for an operator when the start request names no timeout. */
  static final double DEFAULT_APPROVAL_TIMEOUT = 120;
  /** Under this score the approve policy rejects instead. */
  static final double MIN_SCORE = 0.5;

  /** The name in JSON, e.g. {@code auto_approve}. */
  String wireName() {
    return WireName.of(this);
  }

  static ApprovalPolicy fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** Whether a round of {@code score} that timed out is approved (otherwise rejected); never asked of WAIT. */
  boolean approves(double score) {
    return this == AUTO_APPROVE && score >= MIN_SCORE;
  }
}
