package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a browser-facing stream behaves under backpressure and on snapshot. */
public enum StreamKind {
  /** Each message replaces the previous one with the same {@code key}: conflatable, snapshot = newest per key. */
  STATE,
  /** Each message matters on its own (timeline, consensus rounds, bench). */
  EVENT;

  @JsonValue
  public String wireName() {
    return WireName.of(this);
  }

  @JsonCreator
  public static StreamKind fromWire(String s) {
    return WireName.parse(StreamKind.class, s, "stream kind");
  }
}
