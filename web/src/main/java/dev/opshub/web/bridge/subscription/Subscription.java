package dev.opshub.web.bridge.subscription;

import dev.opshub.web.bridge.delivery.ConnectionOutbox;
import dev.opshub.web.bridge.delivery.FlushScheduler;

/**
 * One connection registered on one address. Created on the connection's event loop; the address's channel adds it
 * to the node table on the table's loop and hands it messages through its loop's hand-off, so everything here runs
 * on the connection's loop.
 */
public final class Subscription {

  /** Who registered: told when the subscription is in place (or refused), on the connection's loop. */
  public interface Owner {
    void registrationDone();

    void registrationRefused(Subscription subscription, String detail);
  }

  private final String address;
  private final ResumeRequest resume;
  private final ConnectionOutbox outbox;
  private final Owner owner;
  private boolean closed;
  /** Newest (epoch, offset) written or skipped: anything at or below it is a duplicate. */
  private long filterEpoch = EncodedMessage.NONE;
  private long filterOffset = EncodedMessage.NONE;

  Subscription(String address, ResumeRequest resume, ConnectionOutbox outbox, Owner owner) {
    this.address = address;
    this.resume = resume;
    this.outbox = outbox;
    this.owner = owner;
  }

  public String address() {
    return address;
  }

  ResumeRequest resume() {
    return resume;
  }

  /** The scheduler of the connection's event loop: subscribers are grouped by it. */
  FlushScheduler scheduler() {
    return outbox.scheduler();
  }

  /** Later deliveries are ignored. */
  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  /** The subscription is in the node table: what it gets first is queued, live messages follow. */
  void start(ResumePlan plan) {
    owner.registrationDone();
    if (closed) {
      return;
    }
    long nowNanos = outbox.scheduler().loop().clock().nanoTime();
    filterEpoch = plan.filterEpoch();
    filterOffset = plan.filterOffset();
    for (ResumePlan.First m : plan.first()) {
      outbox.replay(m.element(), m.key(), m.ts(), nowNanos);
    }
  }

  /** The node serves no more addresses. */
  void refused(String detail) {
    closed = true;
    owner.registrationRefused(this, detail);
  }

  /** A live message; skipped when it is a duplicate or from an older epoch. */
  void deliver(EncodedMessage m, long nowNanos) {
    if (!closed && accept(m)) {
      outbox.live(m.element, m.conflationKey, m.ts, nowNanos);
    }
  }

  /** The node could not hand this subscription everything (see {@link ConnectionOutbox#missed()}). */
  void missed() {
    if (!closed) {
      outbox.missed();
    }
  }

  /** Reads what a delivery touches first (the hand-off's read-ahead). */
  int warm() {
    return (int) filterOffset + outbox.warm();
  }

  /** True if the message must be written (not a duplicate nor from an older epoch); advances the filter. */
  boolean accept(EncodedMessage m) {
    if (!m.sequenced()) {
      return true;
    }
    if (filterEpoch != EncodedMessage.NONE) {
      if (m.epoch < filterEpoch || (m.epoch == filterEpoch && m.offset <= filterOffset)) {
        return false;
      }
    }
    filterEpoch = m.epoch;
    filterOffset = m.offset;
    return true;
  }
}
