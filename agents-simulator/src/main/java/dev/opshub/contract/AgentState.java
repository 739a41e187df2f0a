package dev.opshub.contract;

import java.util.Locale;

/** The live state of an agent (DOMAIN.md). */
public enum AgentState {
  IDLE, ANALYZING, PROPOSING, WAITING, ACTING, DEGRADED, FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AgentState fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("state is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
