package dev.opshub.contract;

import java.util.Locale;

/** Risk of applying a recommended action. */
public enum Risk {
  LOW, MEDIUM, HIGH, CRITICAL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Risk fromWire(String s) {
    if (s == null) {
      throw new IllegalArgumentException("risk is missing");
    }
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
