package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Incident lifecycle states (DOMAIN.md); the engine's IncidentLifecycle decides which transitions are valid. */
public enum IncidentStatus {
  DETECTED, TRIAGED, INVESTIGATING, DIAGNOSED, RESOLVING, RESOLVED, CLOSED, ESCALATED, FAILED;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  /** True once nothing more happens to the incident but closing it. */
  public boolean isOpen() {
    return this != CLOSED;
  }

  @JsonCreator
  public static IncidentStatus fromWire(String s) {
    return WireName.parse(IncidentStatus.class, s, "status");
  }
}
