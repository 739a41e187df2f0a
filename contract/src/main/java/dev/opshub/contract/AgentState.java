package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The live state of an agent (DOMAIN.md). */
public enum AgentState {
  IDLE, ANALYZING, PROPOSING, WAITING, ACTING, DEGRADED, FAILED;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static AgentState fromWire(String s) {
    return WireName.parse(AgentState.class, s, "state");
  }
}
