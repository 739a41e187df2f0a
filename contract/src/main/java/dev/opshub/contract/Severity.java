package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Incident severity (DOMAIN.md). */
public enum Severity {
  CRITICAL, HIGH, MEDIUM, LOW;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static Severity fromWire(String s) {
    return WireName.parse(Severity.class, s, "severity");
  }
}
