package dev.opshub.contract;

import java.util.Locale;

/** Faults that can be injected into an agent (DOMAIN.md). */
public enum AgentFault {
  /** Sends conflicting or malicious recommendations. */
  BYZANTINE,
  /** Answers only after its timeout. */
  SLOW,
  /** Fails and stops answering. */
  CRASH;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AgentFault fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("fault is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
