package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code rate} messages per second on {@code ops.bench}, body {@code {"seq":n,"ts":<ms>,"pad":"<bytes>"}},
 * {@code seq} from 1 within the engine's epoch. Exact rate: each tick publishes what the elapsed time owes
 * ({@code rate x elapsed}), so timer jitter never drifts the rate; ticks are 1 ms at high rates (small bursts)
 * and 10 ms below {@link #FINE_TICK_FROM_RATE}. At most {@link #MAX_BACKLOG_MS} of messages are made up in one
 * tick, so a stall (GC, a busy machine) never turns into a burst that blocks the event loop: the owed messages
 * beyond it are skipped and counted (seq stays contiguous), and a warning says so.
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

  private final StreamPublisher publisher;
  private final int rate;
  private final String pad;
  private long startNanos;
  private long owedBase;
  private long published;
  private long skipped;
  private long lastSkipLog = System.nanoTime() - 20_000_000_000L;

  public BenchPublisher(StreamPublisher publisher, int rate, int payloadBytes) {
    if (rate < 1 || rate > MAX_RATE) {
      throw new IllegalArgumentException("rate must be 1.." + MAX_RATE);
    }
    if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD) {
      throw new IllegalArgumentException("payload must be 0.." + MAX_PAYLOAD);
    }
    this.publisher = publisher;
    this.rate = rate;
    this.pad = "x".repeat(payloadBytes);
  }

  @Override
  public Future<?> start() {
    long tick = rate >= FINE_TICK_FROM_RATE ? 1 : 10;
    startNanos = System.nanoTime();
    vertx.setPeriodic(tick, id -> onTick());
    LOG.info("bench publisher: {} msg/s on {}, {} bytes pad, epoch={}", rate, Addresses.BENCH, pad.length(), publisher.epoch());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    LOG.info("bench publisher stopped after {} messages ({} skipped after stalls)", published, skipped);
    return Future.succeededFuture();
  }

  private void onTick() {
    long owed = owed(rate, System.nanoTime() - startNanos) - owedBase - published;
    long maxBurst = Math.max(1, rate * MAX_BACKLOG_MS / 1_000);
    if (owed > maxBurst) {
      skipped += owed - maxBurst;
      owedBase += owed - maxBurst;
      owed = maxBurst;
      long now = System.nanoTime();
      if (now - lastSkipLog > 10_000_000_000L) {
        lastSkipLog = now;
        LOG.warn("bench publisher fell more than {} ms behind: {} messages skipped so far (seq stays contiguous)",
            MAX_BACKLOG_MS, skipped);
      }
    }
    for (long i = 0; i < owed; i++) {
      published++;
      JsonObject body = new JsonObject().put("seq", published).put("ts", 0L).put("pad", pad);
      publisher.publish(Addresses.BENCH, null, body);
    }
  }

  /** Messages owed after {@code elapsedNanos} at {@code rate} per second. */
  static long owed(long rate, long elapsedNanos) {
    return Math.multiplyHigh(rate, elapsedNanos) != 0
        ? (long) ((double) rate * elapsedNanos / 1e9)
        : rate * elapsedNanos / 1_000_000_000L;
  }
}
