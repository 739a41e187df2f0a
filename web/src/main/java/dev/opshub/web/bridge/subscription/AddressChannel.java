package dev.opshub.web.bridge.subscription;

import dev.opshub.contract.Headers;
import dev.opshub.web.bridge.delivery.EventLoop;
import dev.opshub.web.bridge.delivery.FlushScheduler;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import dev.opshub.web.internal.ConsumerDiscards;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's single event-bus consumer of one address, its subscribers grouped by event loop, and its
 * {@link HistoryWindow}. Each message is encoded once here and the same bytes go to every subscriber, through one
 * bounded {@link HandOff} per event loop. While the table loop lags more than {@code maxIngressLag}, arriving
 * messages are shed. Used on the table loop only.
 */
final class AddressChannel {

  private static final Logger LOG = LoggerFactory.getLogger(AddressChannel.class);
  /** Messages the node-level consumer may buffer (Vert.x discards beyond it; counted, logged at most every 10 s). */
  static final int CONSUMER_BUFFER = 1_000;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  final String address;
  /** Kept while the bridge runs (a configured stream), even without subscribers. */
  final boolean kept;
  private final EventLoop table;
  private final TableSettings settings;
  private final BridgeMetrics metrics;
  private final IngressProbe probe;
  private final AtomicInteger gauge;
  private final HistoryWindow window;
  private final RecentIds recentIds;
  /** Subscribers grouped by their event loop's scheduler; arrays are replaced, never mutated. */
  private final Map<FlushScheduler, Subscription[]> subscribers = new HashMap<>();
  private final Map<FlushScheduler, HandOff> handOffs = new HashMap<>();
  private long shed;
  private long lastShedLog;
  private volatile long lastDiscardLog;
  private int count;
  private MessageConsumer<Object> consumer;

  AddressChannel(String address, boolean kept, EventLoop table, TableSettings settings, BridgeMetrics metrics,
                 IngressProbe probe) {
    this.address = address;
    this.kept = kept;
    this.table = table;
    this.settings = settings;
    this.metrics = metrics;
    this.probe = probe;
    this.gauge = metrics.subscriptions(address);
    this.window = new HistoryWindow(settings.historySize(), settings.historyMaxAgeMs(), settings.snapshotMaxKeys());
    this.recentIds = new RecentIds(settings.duplicateWindow());
    this.lastShedLog = table.clock().nanoTime() - LOG_EVERY_NANOS;
    this.lastDiscardLog = lastShedLog;
  }

  Future<Void> open(EventBus eventBus) {
    consumer = eventBus.consumer(new MessageConsumerOptions().setAddress(address).setMaxBufferedMessages(CONSUMER_BUFFER),
        this::onMessage);
    // Vert.x would log a WARN per discarded message (buffer full, or arriving after unregister): under overload that
    // is a line per message
    ConsumerDiscards.install(consumer, this::onDiscard);
    return consumer.completion();
  }

  Future<Void> close() {
    window.clear();
    recentIds.clear();
    subscribers.clear();
    handOffs.clear();
    metrics.removeSubscriptions(address);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  boolean isEmpty() {
    return count == 0;
  }

  void trim(long nowNanos) {
    window.trim(nowNanos);
  }

  private void onDiscard(Message<Object> message) {
    metrics.consumerDiscards.increment();
    long now = table.clock().nanoTime();
    if (now - lastDiscardLog > LOG_EVERY_NANOS) {
      lastDiscardLog = now;
      LOG.warn("bridge consumer of {} discards messages (buffer full or unregistered); see opshub_bridge_consumer_discards_total",
          address);
    }
  }

  private void onMessage(Message<Object> message) {
    if (probe.lagging()) {
      shed();
      return;
    }
    String id = message.headers().get(Headers.ID);
    if (id != null && recentIds.seen(id)) {
      // a copy of a message this node has (published again by an engine that took its drill over)
      metrics.duplicates.increment();
      return;
    }
    EncodedMessage m = EncodedMessage.of(address, message.headers(), message.body(), table.clock().nanoTime());
    metrics.messagesIn.increment();
    window.record(m);
    for (Map.Entry<FlushScheduler, Subscription[]> group : subscribers.entrySet()) {
      handOffs.get(group.getKey()).offer(m, group.getValue());
    }
  }

  /**
   * The table loop lags too far behind: this message is not encoded, recorded nor delivered. The window has a gap
   * and every subscriber missed the message.
   */
  private void shed() {
    metrics.ingressShed.increment();
    shed++;
    window.gap();
    for (Map.Entry<FlushScheduler, Subscription[]> group : subscribers.entrySet()) {
      metrics.dropped.increment(group.getValue().length);
      handOffs.get(group.getKey()).missed(group.getValue());
    }
    long now = table.clock().nanoTime();
    if (now - lastShedLog > LOG_EVERY_NANOS) {
      lastShedLog = now;
      LOG.warn("bridge event loop lags more than {} ms: shedding messages of {} ({} so far), subscribers closed as slow consumers",
          settings.maxIngressLagMs(), address, shed);
    }
  }

  /**
   * Adds a subscriber and decides what it gets first; through the hand-off, the plan reaches the connection after
   * every message handed off before and before every message handed off after (which it is part of).
   */
  void add(Subscription sub) {
    ResumePlan plan = window.plan(sub.resume(), table.clock().nanoTime());
    switch (plan.outcome()) {
      case RESUMED -> metrics.resumeHits.increment();
      case RESUME_MISSED -> metrics.resumeMisses.increment();
      default -> { }
    }
    FlushScheduler loop = sub.scheduler();
    Subscription[] current = subscribers.get(loop);
    Subscription[] next = current == null ? new Subscription[1] : Arrays.copyOf(current, current.length + 1);
    next[next.length - 1] = sub;
    subscribers.put(loop, next);
    HandOff handOff = handOffs.computeIfAbsent(loop, l -> new HandOff(l, settings.maxHandOffMessages(), metrics));
    count++;
    gauge.incrementAndGet();
    handOff.control(() -> sub.start(plan));
  }

  /** Removes a subscriber; true if it was there. */
  boolean remove(Subscription sub) {
    FlushScheduler loop = sub.scheduler();
    Subscription[] current = subscribers.get(loop);
    if (current == null) {
      return false;
    }
    int i = Arrays.asList(current).indexOf(sub);
    if (i < 0) {
      return false;
    }
    if (current.length == 1) {
      subscribers.remove(loop);
      handOffs.remove(loop);
    } else {
      Subscription[] next = new Subscription[current.length - 1];
      System.arraycopy(current, 0, next, 0, i);
      System.arraycopy(current, i + 1, next, i, current.length - i - 1);
      subscribers.put(loop, next);
    }
    count--;
    gauge.decrementAndGet();
    return true;
  }
}
