package dev.opshub.web.bridge.subscription;

import java.util.List;

/**
 * What a new subscription gets before live messages, and from which (epoch, offset) on it takes live ones.
 *
 * @param outcome      which case of the resume rules applied
 * @param first        the messages to write first, encoded as they go (snapshot ones carry {@code snapshot:"true"})
 * @param filterEpoch  live messages at or below ({@code filterEpoch}, {@code filterOffset}) are skipped
 * @param filterOffset see {@code filterEpoch}
 */
public record ResumePlan(Outcome outcome, List<First> first, long filterEpoch, long filterOffset) {

  /** Which rule decided. */
  public enum Outcome {
    /** No resume headers: live messages only. */
    LIVE,
    /** The client's epoch and offset are in the window: every missed message, in order. */
    RESUMED,
    /** Unknown epoch or an offset older than the window: the newest message per key. */
    RESUME_MISSED,
    /** {@code snapshot: "true"}: the newest message per key. */
    SNAPSHOT
  }

  /** One message written first: its element, conflation key and publish time. */
  public record First(byte[] element, String key, long ts) {
  }

  public ResumePlan {
    first = List.copyOf(first);
  }
}
