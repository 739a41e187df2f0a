package dev.opshub.contract;

import java.util.Locale;

/** Incident severity (DOMAIN.md). */
public enum Severity {
  CRITICAL, HIGH, MEDIUM, LOW;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("severity is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
