package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Risk of applying a recommended action. */
public enum Risk {
  LOW, MEDIUM, HIGH, CRITICAL;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static Risk fromWire(String s) {
    return WireName.parse(Risk.class, s, "risk");
  }
}
