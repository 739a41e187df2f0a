package dev.opshub.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code rate} messages per second on an address, body {@code {"seq":n,"ts":<epoch ms>,"pad":"<bytes>"}}.
 * The rate is exact over time: every tick publishes however many messages are due since the start, so a late tick
 * is caught up by the next one (at most one second's worth per tick, so a stalled loop does not burst forever).
 */
public final class BenchPublisher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BenchPublisher.class);

  /** 100 ticks per second: 200 msg/s goes out as 2 messages every 10 ms, not 200 at once. */
  public static final long DEFAULT_TICK_MS = 10;

  private final String address;
  private final double rate;
  private final String pad;
  private long startNanos;
  private long sent;
  private boolean warnedBehind;

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
      vertx.setPeriodic(DEFAULT_TICK_MS, id -> tick());
      LOG.info("publishing {} msg/s with {} bytes of pad on {}", rate, pad.length(), address);
    }
    return Future.succeededFuture();
  }

  private void tick() {
    long due = (long) ((System.nanoTime() - startNanos) / 1e9 * rate);
    long burst = Math.min(due - sent, Math.max(1, (long) rate));
    if (due - sent > rate && !warnedBehind) {
      warnedBehind = true;
      LOG.warn("publisher on {} is more than one second behind its rate: the event loop is overloaded", address);
    }
    for (long i = 0; i < burst; i++) {
      vertx.eventBus().publish(address, new JsonObject().put("seq", sent).put("ts", System.currentTimeMillis()).put("pad", pad));
      sent++;
    }
  }
}
