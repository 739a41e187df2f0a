package dev.opshub.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code rate} messages per second on an address, body {@code {"seq":n,"ts":<epoch ms>,"pad":"<bytes>"}}.
 * The rate is exact over time: every tick publishes however many messages are due since the start, so timer jitter
 * never drifts the rate. The policy after a stall is the hub's (so both servers are fed alike): at most
 * {@link #MAX_BACKLOG_MS} worth of messages is made up in one tick, the rest is skipped and counted (seq stays
 * contiguous, so the client sees no loss; the skips are logged).
 */
public final class BenchPublisher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BenchPublisher.class);

  /** 100 ticks per second: 200 msg/s goes out as 2 messages every 10 ms, not 200 at once. */
  public static final long DEFAULT_TICK_MS = 10;
  /** Largest backlog made up in one tick after a stall. */
  public static final long MAX_BACKLOG_MS = 20;

  private final String address;
  private final double rate;
  private final String pad;
  private long startNanos;
  private long sent;
  private long skipped;
  private long lastSkipLogNanos;

  public BenchPublisher(String address, double rate, int payloadBytes) {
    if (rate < 0) throw new IllegalArgumentException("rate must be >= 0");
    if (payloadBytes < 0) throw new IllegalArgumentException("payload must be >= 0");
    this.address = address;
    this.rate = rate;
    this.pad = "x".repeat(payloadBytes);
  }

  @Override
  public Future<?> start() {
    if (rate > 0) {
      startNanos = System.nanoTime();
      lastSkipLogNanos = startNanos - 20_000_000_000L;
      vertx.setPeriodic(DEFAULT_TICK_MS, id -> tick());
      LOG.info("publishing {} msg/s with {} bytes of pad on {}", rate, pad.length(), address);
    }
    return Future.succeededFuture();
  }

  private void tick() {
    long now = System.nanoTime();
    long owed = (long) ((now - startNanos) / 1e9 * rate) - skipped - sent;
    long maxBurst = Math.max(1, (long) (rate * MAX_BACKLOG_MS / 1000));
    if (owed > maxBurst) {
      skipped += owed - maxBurst;
      owed = maxBurst;
      if (now - lastSkipLogNanos > 10_000_000_000L) {
        lastSkipLogNanos = now;
        LOG.warn("publisher on {} fell more than {} ms behind: {} messages skipped so far (seq stays contiguous)",
          address, MAX_BACKLOG_MS, skipped);
      }
    }
    for (long i = 0; i < owed; i++) {
      vertx.eventBus().publish(address, new JsonObject().put("seq", sent).put("ts", System.currentTimeMillis()).put("pad", pad));
      sent++;
    }
  }

  @Override
  public Future<?> stop() {
    LOG.info("publisher on {} stopped after {} messages ({} skipped after stalls)", address, sent, skipped);
    return Future.succeededFuture();
  }
}
