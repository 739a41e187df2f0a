package dev.opshub.web.bridge.subscription;

import dev.opshub.contract.Clock;
import dev.opshub.web.bridge.delivery.FlushScheduler;
import dev.opshub.web.bridge.metrics.BridgeMetrics;

import java.util.ArrayList;

/**
 * The bounded hand-off of one address's messages from the node table (its loop) to the subscribers on one other
 * event loop. Messages are batched: one task on that loop carries everything offered since the previous one, so the
 * hop costs per batch, not per message. At most {@code bound} live messages wait; past it the loop is overloaded:
 * further messages are dropped (counted), and once the waiting ones are delivered every subscriber of the loop is
 * told it missed messages (it drains what it has and ends as a slow consumer, then resumes). Nothing here grows
 * without bound. Offered on the table's loop only, drained on the subscribers' loop only; they meet under this
 * object's lock.
 */
final class HandOff {

  /** One waiting item: a live message for {@code subs}, or a control action (a subscription's start). */
  private record Item(EncodedMessage message, Subscription[] subs, Runnable control) {
  }

  private final FlushScheduler scheduler;
  private final int bound;
  private final BridgeMetrics metrics;
  private ArrayList<Item> items = new ArrayList<>();
  private int messages;
  private boolean scheduled;
  private boolean overloaded;
  /** Subscribers when the latest message was dropped: they are the ones that missed it. */
  private Subscription[] missedBy;

  HandOff(FlushScheduler scheduler, int bound, BridgeMetrics metrics) {
    this.scheduler = scheduler;
    this.bound = bound;
    this.metrics = metrics;
  }

  /** Hands a live message to {@code subs} (the loop's subscribers now); false if it was dropped. */
  boolean offer(EncodedMessage m, Subscription[] subs) {
    boolean schedule;
    synchronized (this) {
      if (overloaded || messages >= bound) {
        if (!overloaded) {
          overloaded = true;
          metrics.handOffOverloads.increment();
        }
        missedBy = subs;
        metrics.dropped.increment(subs.length);
        return false;
      }
      items.add(new Item(m, subs, null));
      messages++;
      schedule = !scheduled;
      scheduled = true;
    }
    metrics.handOffChanged(1);
    if (schedule) {
      scheduler.loop().post(this::drain);
    }
    return true;
  }

  /** Runs {@code action} on the subscribers' loop after everything offered before (never dropped). */
  void control(Runnable action) {
    boolean schedule;
    synchronized (this) {
      items.add(new Item(null, null, action));
      schedule = !scheduled;
      scheduled = true;
    }
    if (schedule) {
      scheduler.loop().post(this::drain);
    }
  }

  /** The node could not take a message at all (ingress shed): every subscriber in {@code subs} missed it. */
  void missed(Subscription[] subs) {
    boolean schedule;
    synchronized (this) {
      if (!overloaded) {
        overloaded = true;
        metrics.handOffOverloads.increment();
      }
      missedBy = subs;
      schedule = !scheduled;
      scheduled = true;
    }
    if (schedule) {
      scheduler.loop().post(this::drain);
    }
  }

  /** Live messages waiting. */
  synchronized int depth() {
    return messages;
  }

  private void drain() {
    ArrayList<Item> batch;
    int count;
    Subscription[] missed;
    synchronized (this) {
      batch = items;
      count = messages;
      missed = overloaded ? missedBy : null;
      items = new ArrayList<>(Math.min(Math.max(16, batch.size()), bound));
      messages = 0;
      scheduled = false;
      overloaded = false;
      missedBy = null;
    }
    metrics.handOffChanged(-count);
    // one burst: the connections it queued messages for are flushed once, at its end
    scheduler.beginBurst();
    try {
      deliverAll(batch, missed, scheduler.loop().clock());
    } finally {
      scheduler.endBurst();
    }
  }

  /**
   * Delivers in order. Consecutive messages for the same subscribers (the usual case: the array is replaced only
   * when subscriptions change) go subscriber by subscriber: each connection's state is brought into the cache once
   * per burst, not once per message (at 1,000 connections those cache misses were most of the delivery cost).
   */
  private static void deliverAll(ArrayList<Item> batch, Subscription[] missed, Clock clock) {
    int size = batch.size();
    int i = 0;
    while (i < size) {
      Item item = batch.get(i);
      if (item.control != null) {
        item.control.run();
        i++;
        continue;
      }
      Subscription[] subs = item.subs;
      int end = i + 1;
      while (end < size && batch.get(end).control == null && batch.get(end).subs == subs) {
        end++;
      }
      long now = clock.nanoTime();
      warm(subs);
      for (Subscription s : subs) {
        for (int k = i; k < end; k++) {
          s.deliver(batch.get(k).message, now);
        }
      }
      i = end;
    }
    if (missed != null) {
      for (Subscription s : missed) {
        s.missed();
      }
    }
  }

  /** Where {@link #warm} leaves what it read, so the reads are not optimised away. */
  private static int warmed;

  /**
   * Reads, for every subscriber, the state a delivery will touch before delivering to any: these reads depend on
   * nothing but each other, so the processor runs many subscribers' cache misses at once, where the delivery loop,
   * with its longer body, waits for them one subscriber at a time.
   */
  private static void warm(Subscription[] subs) {
    int sum = 0;
    for (Subscription s : subs) {
      sum += s.warm();
    }
    warmed = sum;
  }
}
