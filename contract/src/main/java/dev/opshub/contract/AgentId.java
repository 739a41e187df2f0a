package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;

/** The five agents, with the confidence threshold, timeout and consensus weight of DOMAIN.md. */
public enum AgentId {
  DETECTION(0.7, Duration.ofSeconds(60), 0.2),
  DIAGNOSIS(0.6, Duration.ofSeconds(180), 0.4),
  PREDICTION(0.5, Duration.ofSeconds(150), 0.3),
  RESOLUTION(0.8, Duration.ofSeconds(300), 0.1),
  COMMUNICATION(0.9, Duration.ofSeconds(30), 0.0);

  private final double threshold;
  private final Duration timeout;
  private final double weight;

  AgentId(double threshold, Duration timeout, double weight) {
    this.threshold = threshold;
    this.timeout = timeout;
    this.weight = weight;
  }

  /** Confidence under which the agent's result counts as degraded. */
  public double threshold() {
    return threshold;
  }

  /** Timeout at speed 1 (drill time); divide by the drill's speed factor for wall time. */
  public Duration timeout() {
    return timeout;
  }

  /** Weight of this agent's vote in consensus (communication does not vote). */
  public double weight() {
    return weight;
  }

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static AgentId fromWire(String s) {
    return WireName.parse(AgentId.class, s, "agent");
  }
}
