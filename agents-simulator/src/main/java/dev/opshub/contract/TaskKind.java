package dev.opshub.contract;

import java.util.Locale;

/** What an {@link AgentTask} asks of an agent. */
public enum TaskKind {
  /** detection: scan the signals for an anomaly (or, once remediated, for recovery). */
  DETECT,
  /** diagnosis: find the root cause, with evidence. */
  DIAGNOSE,
  /** prediction: forecast impact and escalation if nothing is done. */
  PREDICT,
  /** resolution: propose a remediation. */
  RECOMMEND,
  /** resolution: apply the remediation that consensus chose. */
  APPLY,
  /** communication: write the status update for stakeholders. */
  COMMUNICATE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskKind fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("kind is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
