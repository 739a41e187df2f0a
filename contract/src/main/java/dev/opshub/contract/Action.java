package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Remediation actions an agent may recommend (DOMAIN.md). */
public enum Action {
  SCALE_UP, SCALE_DOWN, RESTART_SERVICE, ROLLBACK_DEPLOYMENT, INCREASE_CAPACITY, CIRCUIT_BREAKER_OPEN,
  CLEAR_CACHE, DRAIN_TRAFFIC, NOTIFY_TEAM, ESCALATE_INCIDENT, NO_ACTION;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static Action fromWire(String s) {
    return WireName.parse(Action.class, s, "action");
  }
}
