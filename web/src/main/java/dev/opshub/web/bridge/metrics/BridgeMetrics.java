package dev.opshub.web.bridge.metrics;

import dev.opshub.contract.ErrorCodes;
import dev.opshub.contract.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bridge's Micrometer meters, all named {@code opshub.bridge.*}. Gauges read state shared by every bridge on
 * the same registry (a second bridge on one registry adds to the same gauges instead of being ignored).
 */
public final class BridgeMetrics {

  public static final String PREFIX = MeterNames.BRIDGE_PREFIX;

  /** Gauge state per registry. */
  private static final class Shared {
    final AtomicInteger connections = new AtomicInteger();
    final LongAdder queueDepth = new LongAdder();
    final LongAdder queueBytes = new LongAdder();
    final LongAdder handOffDepth = new LongAdder();
    final Map<String, AtomicInteger> subscriptions = new ConcurrentHashMap<>();
  }

  private static final Map<MeterRegistry, Shared> SHARED = new WeakHashMap<>();

  private final MeterRegistry registry;
  private final Shared shared;
  public final Counter messagesIn;
  public final Counter deliveries;
  public final Counter frames;
  public final Counter frameEncodings;
  public final DistributionSummary messagesPerFrame;
  public final Counter conflated;
  public final Counter dropped;
  public final Counter slowConsumerCloses;
  public final Counter resumeHits;
  public final Counter resumeMisses;
  public final Counter clientMessages;
  public final Counter handOffOverloads;
  public final Counter ingressShed;
  public final Counter consumerDiscards;
  public final Counter duplicates;
  public final Timer latency;

  public BridgeMetrics(MeterRegistry registry) {
    this.registry = registry;
    synchronized (SHARED) {
      this.shared = SHARED.computeIfAbsent(registry, r -> new Shared());
    }
    Gauge.builder(PREFIX + "connections", shared.connections, AtomicInteger::get)
        .description("open bridge connections on this node").register(registry);
    Gauge.builder(PREFIX + "queue.depth", shared.queueDepth, LongAdder::sum)
        .description("messages waiting in all connection queues").register(registry);
    Gauge.builder(PREFIX + "queue.bytes", shared.queueBytes, LongAdder::sum)
        .description("encoded bytes waiting in all connection queues").baseUnit("bytes").register(registry);
    Gauge.builder(PREFIX + "handoff.depth", shared.handOffDepth, LongAdder::sum)
        .description("live messages waiting to be handed from the node table to connection event loops").register(registry);
    handOffOverloads = Counter.builder(PREFIX + "handoff.overloads")
        .description("times an event loop's hand-off bound was reached (its subscribers closed as slow consumers)").register(registry);
    ingressShed = Counter.builder(PREFIX + "ingress.shed")
        .description("event-bus messages shed unprocessed because the bridge event loop lagged").register(registry);
    consumerDiscards = Counter.builder(PREFIX + "consumer.discards")
        .description("event-bus messages the node-level consumer discarded (buffer full or unregistered)").register(registry);
    duplicates = Counter.builder(PREFIX + "duplicates")
        .description("event-bus messages dropped as copies of one this node has (same id)").register(registry);
    messagesIn = Counter.builder(PREFIX + "messages.in").description("event-bus messages received for fan-out").register(registry);
    deliveries = Counter.builder(PREFIX + "deliveries").description("messages written to sockets").register(registry);
    frames = Counter.builder(PREFIX + "frames").description("SockJS a[...] frames written").register(registry);
    frameEncodings = Counter.builder(PREFIX + "frame.encodings")
        .description("frames assembled; frames minus this = frames written from bytes shared with another socket").register(registry);
    messagesPerFrame = DistributionSummary.builder(PREFIX + "frame.messages").description("messages per SockJS frame")
        .serviceLevelObjectives(1, 2, 5, 10, 20, 50).register(registry);
    conflated = Counter.builder(PREFIX + "conflated").description("queued state messages replaced by a newer one").register(registry);
    dropped = Counter.builder(PREFIX + "dropped").description("messages refused by a full queue").register(registry);
    slowConsumerCloses = Counter.builder(PREFIX + "slow.consumer.closes").description("connections closed as slow consumers").register(registry);
    resumeHits = Counter.builder(PREFIX + "resume.hits").description("resumes served from the history window").register(registry);
    resumeMisses = Counter.builder(PREFIX + "resume.misses").description("resumes answered with a snapshot").register(registry);
    clientMessages = Counter.builder(PREFIX + "client.messages").description("bridge messages received from clients").register(registry);
    latency = Timer.builder(PREFIX + "delivery.latency").description("publish (body.ts) to socket write, one sample per frame (its oldest message)")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  public void connectionOpened() {
    shared.connections.incrementAndGet();
  }

  public void connectionClosed() {
    shared.connections.decrementAndGet();
  }

  public int connections() {
    return shared.connections.get();
  }

  public void queueChanged(int messages, long bytes) {
    if (messages != 0) shared.queueDepth.add(messages);
    if (bytes != 0) shared.queueBytes.add(bytes);
  }

  public void handOffChanged(int messages) {
    if (messages != 0) shared.handOffDepth.add(messages);
  }

  public void latencyMillis(long millis) {
    latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  public Counter closes(String reason) {
    return registry.counter(PREFIX + "closes", Tags.of("reason", reason));
  }

  public Counter errors(ErrorCodes error) {
    return registry.counter(PREFIX + "errors", Tags.of("code", error.code()));
  }

  /** Subscriptions gauge of one address; created with the address's channel. */
  public AtomicInteger subscriptions(String address) {
    return shared.subscriptions.computeIfAbsent(address, a -> {
      AtomicInteger count = new AtomicInteger();
      Gauge.builder(PREFIX + "subscriptions", count, AtomicInteger::get).tag("address", a)
          .description("connections registered on an address").register(registry);
      return count;
    });
  }

  /** Removes the gauge of an address whose channel is gone, when no connection counts on it any more. */
  public void removeSubscriptions(String address) {
    shared.subscriptions.computeIfPresent(address, (a, count) -> {
      if (count.get() != 0) {
        return count;
      }
      Gauge gauge = registry.find(PREFIX + "subscriptions").tag("address", a).gauge();
      if (gauge != null) {
        registry.remove(gauge);
      }
      return null;
    });
  }
}
