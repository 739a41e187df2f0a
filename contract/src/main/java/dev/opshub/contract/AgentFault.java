package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Faults that can be injected into an agent (DOMAIN.md). */
public enum AgentFault {
  /** Sends conflicting or malicious recommendations. */
  BYZANTINE,
  /** Answers only after its timeout. */
  SLOW,
  /** Fails and stops answering. */
  CRASH;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static AgentFault fromWire(String s) {
    return WireName.parse(AgentFault.class, s, "fault");
  }
}
