package dev.opshub.contract;

/** How a browser-facing stream behaves under backpressure and on snapshot. */
public enum StreamKind {
  /** Each message replaces the previous one with the same {@code key}: conflatable, snapshot = newest per key. */
  STATE,
  /** Each message matters on its own (timeline, consensus rounds, bench). */
  EVENT;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static StreamKind fromWire(String s) {
    return valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }
}
