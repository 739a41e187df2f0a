package dev.opshub.contract;

import java.util.Locale;

/** Incident lifecycle states (DOMAIN.md); the engine's IncidentLifecycle decides which transitions are valid. */
public enum IncidentStatus {
  DETECTED, TRIAGED, INVESTIGATING, DIAGNOSED, RESOLVING, RESOLVED, CLOSED, ESCALATED, FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True once nothing more happens to the incident but closing it. */
  public boolean isOpen() {
    return this != CLOSED;
  }

  public static IncidentStatus fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("status is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
