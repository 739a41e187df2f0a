package dev.opshub.web.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's single event-bus consumer of one address, its subscribers, its history window (for resume) and its
 * newest-per-key snapshot. Used only on the bridge context. Each message is encoded once here and the same bytes
 * go to every subscriber.
 */
final class AddressChannel {

  /** What a new subscription receives before live messages. */
  record Plan(List<byte[]> elements, List<String> keys, List<Long> timestamps, boolean resumed) {
  }

  final String address;
  final boolean kept;
  private final FanoutBridge bridge;
  private final BridgeOptions options;
  private final AtomicInteger gauge;
  private final ArrayDeque<EncodedMessage> history = new ArrayDeque<>();
  private final LinkedHashMap<String, EncodedMessage> snapshot = new LinkedHashMap<>();
  /** Subscribers grouped by the (root) context of their connection; arrays are replaced, never mutated. */
  private final Map<Context, Subscription[]> subscribers = new HashMap<>();
  private int count;
  private long epoch = EncodedMessage.NONE;
  private long lastOffset = EncodedMessage.NONE;
  private MessageConsumer<Object> consumer;

  AddressChannel(FanoutBridge bridge, String address, boolean kept) {
    this.bridge = bridge;
    this.options = bridge.options();
    this.address = address;
    this.kept = kept;
    this.gauge = bridge.metrics().subscriptions(address);
  }

  Future<Void> open() {
    consumer = bridge.vertx().eventBus().consumer(address, this::onMessage);
    return consumer.completion();
  }

  Future<Void> close() {
    history.clear();
    snapshot.clear();
    subscribers.clear();
    bridge.metrics().removeSubscriptions(address);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  boolean isEmpty() {
    return count == 0;
  }

  private void onMessage(Message<Object> message) {
    EncodedMessage m = EncodedMessage.of(address, message.headers(), message.body());
    bridge.metrics().messagesIn.increment();
    record(m);
    fanOut(m);
  }

  private void record(EncodedMessage m) {
    if (m.sequenced()) {
      if (epoch == EncodedMessage.NONE || m.epoch > epoch) {
        // a new engine took over: offsets restart, the old window cannot serve resumes of the new epoch
        history.clear();
        epoch = m.epoch;
        lastOffset = EncodedMessage.NONE;
      }
      if (m.epoch == epoch) {
        if (lastOffset != EncodedMessage.NONE && m.offset <= lastOffset) {
          // duplicate or late: the window keeps one ordered copy
          storeSnapshot(m);
          return;
        }
        if (lastOffset != EncodedMessage.NONE && m.offset != lastOffset + 1) {
          // this node missed messages: the window must be contiguous to answer resumes truthfully
          history.clear();
        }
        lastOffset = m.offset;
        if (options.getHistorySize() > 0) {
          history.addLast(m);
          trim(m.receivedNanos);
        }
      }
    }
    storeSnapshot(m);
  }

  private void storeSnapshot(EncodedMessage m) {
    if (m.key == null || options.getSnapshotMaxKeys() == 0) {
      return;
    }
    EncodedMessage previous = snapshot.remove(m.key);
    if (previous != null && previous.sequenced() && m.sequenced() && previous.epoch == m.epoch && previous.offset > m.offset) {
      snapshot.put(m.key, previous);
      return;
    }
    snapshot.put(m.key, m);
    if (snapshot.size() > options.getSnapshotMaxKeys()) {
      Iterator<String> eldest = snapshot.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Drops history entries beyond the count or age window. */
  void trim(long nowNanos) {
    long maxAge = TimeUnit.MILLISECONDS.toNanos(options.getHistoryMaxAge());
    while (!history.isEmpty()
        && (history.size() > options.getHistorySize() || nowNanos - history.peekFirst().receivedNanos > maxAge)) {
      history.pollFirst();
    }
  }

  private void fanOut(EncodedMessage m) {
    for (Map.Entry<Context, Subscription[]> group : subscribers.entrySet()) {
      Subscription[] subs = group.getValue();
      if (bridge.isCurrent(group.getKey())) {
        for (Subscription s : subs) {
          s.connection.deliver(s, m);
        }
      } else {
        group.getKey().runOnContext(v -> {
          for (Subscription s : subs) {
            s.connection.deliver(s, m);
          }
        });
      }
    }
  }

  /**
   * Adds a subscriber and decides what it gets first (replay, snapshot or nothing); the connection receives the
   * plan on its context before any live message queued after this call.
   */
  void add(Subscription sub) {
    trim(System.nanoTime());
    List<EncodedMessage> first = List.of();
    boolean snapshotMode = false;
    boolean resumed = false;
    long filterEpoch = EncodedMessage.NONE;
    long filterOffset = EncodedMessage.NONE;
    if (sub.snapshotRequested) {
      snapshotMode = true;
    } else if (sub.resumeEpoch != EncodedMessage.NONE) {
      long o = sub.resumeOffset == EncodedMessage.NONE ? 0 : sub.resumeOffset;
      if (epoch != EncodedMessage.NONE && sub.resumeEpoch == epoch && lastOffset != EncodedMessage.NONE
          && (o >= lastOffset || (!history.isEmpty() && history.peekFirst().offset <= o + 1))) {
        resumed = true;
        List<EncodedMessage> missed = new ArrayList<>();
        for (EncodedMessage m : history) {
          if (m.offset > o) {
            missed.add(m);
          }
        }
        first = missed;
        filterEpoch = epoch;
        filterOffset = Math.max(o, lastOffset);
        bridge.metrics().resumeHits.increment();
      } else {
        snapshotMode = true;
        bridge.metrics().resumeMisses.increment();
      }
    }
    if (snapshotMode) {
      first = new ArrayList<>(snapshot.values());
      if (sub.resumeEpoch != EncodedMessage.NONE && (epoch == EncodedMessage.NONE || sub.resumeEpoch > epoch
          || (sub.resumeEpoch == epoch && sub.resumeOffset > lastOffset))) {
        // the client saw more than this node has: skip what it already has when it arrives here
        filterEpoch = sub.resumeEpoch;
        filterOffset = sub.resumeOffset;
      } else {
        filterEpoch = epoch;
        filterOffset = lastOffset;
      }
    }
    List<byte[]> elements = new ArrayList<>(first.size());
    List<String> keys = new ArrayList<>(first.size());
    List<Long> timestamps = new ArrayList<>(first.size());
    for (EncodedMessage m : first) {
      elements.add(snapshotMode ? m.snapshotElement() : m.element);
      keys.add(m.conflationKey);
      timestamps.add(m.ts);
    }
    Plan plan = new Plan(elements, keys, timestamps, resumed);
    Context ctx = sub.connection.context();
    Subscription[] current = subscribers.get(ctx);
    Subscription[] next = current == null ? new Subscription[1] : Arrays.copyOf(current, current.length + 1);
    next[next.length - 1] = sub;
    subscribers.put(ctx, next);
    count++;
    gauge.incrementAndGet();
    long fe = filterEpoch;
    long fo = filterOffset;
    bridge.onContext(ctx, () -> sub.connection.started(sub, plan, fe, fo));
  }

  /** Removes a subscriber; true if it was there. */
  boolean remove(Subscription sub) {
    Context ctx = sub.connection.context();
    Subscription[] current = subscribers.get(ctx);
    if (current == null) {
      return false;
    }
    int i = Arrays.asList(current).indexOf(sub);
    if (i < 0) {
      return false;
    }
    if (current.length == 1) {
      subscribers.remove(ctx);
    } else {
      Subscription[] next = new Subscription[current.length - 1];
      System.arraycopy(current, 0, next, 0, i);
      System.arraycopy(current, i + 1, next, i, current.length - i - 1);
      subscribers.put(ctx, next);
    }
    count--;
    gauge.decrementAndGet();
    return true;
  }
}
