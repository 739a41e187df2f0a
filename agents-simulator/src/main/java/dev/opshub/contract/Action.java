package dev.opshub.contract;

import java.util.Locale;

/** Remediation actions an agent may recommend (DOMAIN.md). */
public enum Action {
  SCALE_UP, SCALE_DOWN, RESTART_SERVICE, ROLLBACK_DEPLOYMENT, INCREASE_CAPACITY, CIRCUIT_BREAKER_OPEN,
  CLEAR_CACHE, DRAIN_TRAFFIC, NOTIFY_TEAM, ESCALATE_INCIDENT, NO_ACTION;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Action fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("action is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
