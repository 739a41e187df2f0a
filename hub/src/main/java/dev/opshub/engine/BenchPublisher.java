package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Clock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongConsumer;

/**
 * Publishes {@code rate} messages per second on an address ({@code ops.bench} unless told), body
 * {@code {"seq":n,"ts":<ms>,"pad":"<bytes>"}} with {@code seq} from 1, through a {@link StreamPublisher} (which
 * sets {@code ts}). Exact rate: each tick publishes what the elapsed time owes ({@code rate x elapsed}), so timer
 * jitter never drifts the rate; ticks are 1 ms at high rates (small bursts) and 10 ms below
 * {@link #FINE_TICK_FROM_RATE}. At most {@link #MAX_BACKLOG_MS} of messages are made up in one tick, so a stall
 * (GC, a busy machine) never turns into a burst that blocks the event loop: the owed messages beyond it are
 * skipped and counted (seq stays contiguous): every message after the first skip carries {@code skipped} (the
 * count so far), the skip listener is told (the hub's engine counts them in meter {@code opshub.bench.skipped}),
 * and a warning says so. The hub's engine and the bench's stock-bridge server both publish with it, so both are fed alike.
 */
public final class BenchPublisher extends VerticleBase {

  /** From this rate on, tick every millisecond. */
  public static final int FINE_TICK_FROM_RATE = 1_000;
  /** Largest backlog made up in one tick after a stall. */
  public static final long MAX_BACKLOG_MS = 20;
  /** Upper bound of the rate option. */
  public static final int MAX_RATE = 1_000_000;
  /** Upper bound of the payload option. */
  public static final int MAX_PAYLOAD = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(BenchPublisher.class);
  private static final long SKIP_WARNING_EVERY_NANOS = 10_000_000_000L;

  private final StreamPublisher publisher;
  private final String address;
  private final int rate;
  private final String pad;
  private final Clock clock;
  private long startNanos;
  private long owedBase;
  private long published;
  private long skipped;
  private long lastSkipWarning;
  private final LongConsumer onSkipped;

  /** {@code rate} messages per second of {@code payloadBytes} pad on {@code ops.bench}, on the system clock. */
  public BenchPublisher(StreamPublisher publisher, int rate, int payloadBytes) {
    this(publisher, Addresses.BENCH, rate, payloadBytes, Clock.SYSTEM, skipped -> { });
  }

  public BenchPublisher(StreamPublisher publisher, String address, int rate, int payloadBytes, Clock clock) {
    this(publisher, address, rate, payloadBytes, clock, skipped -> { });
  }

  /** {@code onSkipped} is told each number of messages skipped after a stall (on the publisher's event loop). */
  public BenchPublisher(StreamPublisher publisher, String address, int rate, int payloadBytes, Clock clock,
                        LongConsumer onSkipped) {
    if (rate < 1 || rate > MAX_RATE) {
      throw new IllegalArgumentException("rate must be 1.." + MAX_RATE);
    }
    if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD) {
      throw new IllegalArgumentException("payload must be 0.." + MAX_PAYLOAD);
    }
    this.publisher = publisher;
    this.address = address;
    this.rate = rate;
    this.pad = "x".repeat(payloadBytes);
    this.clock = clock;
    this.onSkipped = onSkipped;
  }

  @Override
  public Future<?> start() {
    long tick = rate >= FINE_TICK_FROM_RATE ? 1 : 10;
    begin();
    vertx.setPeriodic(tick, id -> tick());
    LOG.info("bench publisher: {} msg/s on {}, {} bytes pad, epoch={}", rate, address, pad.length(), publisher.epoch());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    LOG.info("bench publisher stopped after {} messages ({} skipped after stalls)", published, skipped);
    return Future.succeededFuture();
  }

  /** Starts the count of what is owed from now. */
  void begin() {
    startNanos = clock.nanoTime();
    lastSkipWarning = startNanos - 2 * SKIP_WARNING_EVERY_NANOS;
  }

  /** Publishes what the time since {@link #begin} owes, at most {@link #MAX_BACKLOG_MS} worth; returns how many. */
  long tick() {
    long now = clock.nanoTime();
    long owed = owed(rate, now - startNanos) - owedBase - published;
    long maxBurst = Math.max(1, rate * MAX_BACKLOG_MS / 1_000);
    if (owed > maxBurst) {
      skipped += owed - maxBurst;
      owedBase += owed - maxBurst;
      onSkipped.accept(owed - maxBurst);
      owed = maxBurst;
      if (now - lastSkipWarning > SKIP_WARNING_EVERY_NANOS) {
        lastSkipWarning = now;
        LOG.warn("bench publisher on {} fell more than {} ms behind: {} messages skipped so far (seq stays contiguous)",
            address, MAX_BACKLOG_MS, skipped);
      }
    }
    for (long i = 0; i < owed; i++) {
      published++;
      JsonObject body = new JsonObject().put("seq", published).put("ts", 0L).put("pad", pad);
      if (skipped > 0) {
        body.put("skipped", skipped);
      }
      publisher.publish(address, null, body);
    }
    return Math.max(0, owed);
  }

  /** Messages published so far (the last seq). */
  long published() {
    return published;
  }

  /** Messages skipped after stalls. */
  long skipped() {
    return skipped;
  }

  /** Messages owed after {@code elapsedNanos} at {@code rate} (> 0) per second. */
  static long owed(long rate, long elapsedNanos) {
    // exact in long arithmetic while rate x elapsed fits, in double beyond (hours at the highest rates)
    return elapsedNanos > Long.MAX_VALUE / rate
        ? (long) ((double) rate * elapsedNanos / 1e9)
        : rate * elapsedNanos / 1_000_000_000L;
  }
}
