package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static TaskKind fromWire(String s) {
    return WireName.parse(TaskKind.class, s, "kind");
  }
}
