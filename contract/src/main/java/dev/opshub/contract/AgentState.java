package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The live state of an agent (DOMAIN.md). An agent reports the first seven; {@link #MISSING} is the engine's: no
 * active instance of the agent exists (its host left the cluster, or it went silent).
 */
public enum AgentState {
  IDLE, ANALYZING, PROPOSING, WAITING, ACTING, DEGRADED, FAILED, MISSING;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static AgentState fromWire(String s) {
    return WireName.parse(AgentState.class, s, "state");
  }
}
