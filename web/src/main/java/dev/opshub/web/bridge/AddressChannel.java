package dev.opshub.web.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * go to every subscriber, through one bounded, batched {@link HandOff} per connection event loop. When the bridge's
 * own event loop lags more than {@code maxIngressLag}, messages are shed on arrival (see {@link #shed()}).
 */
final class AddressChannel {

  private static final Logger LOG = LoggerFactory.getLogger(AddressChannel.class);
  /** Messages the node-level consumer may buffer (Vert.x discards beyond it; we count, and log at most every 10 s). */
  static final int CONSUMER_BUFFER = 1_000;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

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
  /** The bounded, batched hand-off to each group's context. */
  private final Map<Context, HandOff> handOffs = new HashMap<>();
  private long shed;
  private long lastShedLog = System.nanoTime() - LOG_EVERY_NANOS;
  private volatile long lastDiscardLog = System.nanoTime() - LOG_EVERY_NANOS;
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
    consumer = bridge.vertx().eventBus().consumer(
        new MessageConsumerOptions().setAddress(address).setMaxBufferedMessages(CONSUMER_BUFFER), this::onMessage);
    if (consumer instanceof MessageConsumerImpl<Object> impl) {
      // Vert.x would log a WARN per discarded message (buffer full, or arriving after unregister): under overload
      // that is a log line per message. Count them instead and log at most every 10 s.
      impl.discardHandler(this::onDiscard);
    }
    return consumer.completion();
  }

  Future<Void> close() {
    history.clear();
    snapshot.clear();
    subscribers.clear();
    handOffs.clear();
    bridge.metrics().removeSubscriptions(address);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  boolean isEmpty() {
    return count == 0;
  }

  private void onDiscard(Message<Object> message) {
    bridge.metrics().consumerDiscards.increment();
    long now = System.nanoTime();
    if (now - lastDiscardLog > LOG_EVERY_NANOS) {
      lastDiscardLog = now;
      LOG.warn("bridge consumer of {} discards messages (buffer full or unregistered); see opshub_bridge_consumer_discards_total",
          address);
    }
  }

  private void onMessage(Message<Object> message) {
    if (bridge.ingressLagging()) {
      shed();
      return;
    }
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
      handOffs.get(group.getKey()).offer(m, group.getValue());
    }
  }

  /**
   * The bridge's event loop lags too far behind: this message is not encoded, recorded nor delivered. The window
   * can no longer answer resumes truthfully (it has a gap) and every subscriber missed the message.
   */
  private void shed() {
    bridge.metrics().ingressShed.increment();
    shed++;
    history.clear();
    lastOffset = EncodedMessage.NONE;
    for (Map.Entry<Context, Subscription[]> group : subscribers.entrySet()) {
      bridge.metrics().dropped.increment(group.getValue().length);
      handOffs.get(group.getKey()).missed(group.getValue());
    }
    long now = System.nanoTime();
    if (now - lastShedLog > LOG_EVERY_NANOS) {
      lastShedLog = now;
      LOG.warn("bridge event loop lags more than {} ms: shedding messages of {} ({} so far), subscribers closed as slow consumers",
          options.getMaxIngressLag(), address, shed);
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
    HandOff handOff = handOffs.computeIfAbsent(ctx, c -> new HandOff(c, sub.connection.scheduler(), options.getMaxHandOffMessages(), bridge.metrics()));
    count++;
    gauge.incrementAndGet();
    long fe = filterEpoch;
    long fo = filterOffset;
    // through the hand-off: the plan reaches the connection after every message handed off before, and before
    // every message handed off after (which the new subscriber is part of)
    handOff.control(() -> sub.connection.started(sub, plan, fe, fo));
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
      handOffs.remove(ctx);
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
