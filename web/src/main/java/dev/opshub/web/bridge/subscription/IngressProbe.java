package dev.opshub.web.bridge.subscription;

import dev.opshub.web.bridge.delivery.EventLoop;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long a task waits in the table loop's queue: Vert.x hands every event-bus message to the node-level
 * consumers as one task there, so that wait is how far the consumers lag (and bounds what Vert.x holds for them).
 * Beyond {@code maxIngressLag} the table sheds arriving messages. One daemon thread for every probe of the JVM
 * posts a tiny task now and then.
 */
public final class IngressProbe {

  private static final ScheduledExecutorService PROBES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "opshub-bridge-lag-probe");
    t.setDaemon(true);
    return t;
  });

  private final EventLoop table;
  private final long maxLagNanos;
  /** When the probe in flight was posted, or 0. */
  private volatile long postedNanos;
  /** Queueing delay the latest probe measured. */
  private volatile long lagNanos;
  private volatile ScheduledFuture<?> task;

  public IngressProbe(EventLoop table, long maxIngressLagMs) {
    this.table = table;
    this.maxLagNanos = TimeUnit.MILLISECONDS.toNanos(maxIngressLagMs);
  }

  /** Probes every few ms (a quarter of the lag bound, 1..20 ms) until {@link #stop()}. */
  public void start() {
    if (task == null) {
      long period = Math.max(1, Math.min(20, TimeUnit.NANOSECONDS.toMillis(maxLagNanos) / 4));
      task = PROBES.scheduleAtFixedRate(this::probe, period, period, TimeUnit.MILLISECONDS);
    }
  }

  public void stop() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** Posts one probe task to the table loop unless one is still waiting there. */
  void probe() {
    if (postedNanos != 0) {
      return;
    }
    long posted = table.clock().nanoTime();
    postedNanos = posted;
    try {
      table.post(() -> {
        lagNanos = table.clock().nanoTime() - posted;
        postedNanos = 0;
      });
    } catch (RejectedExecutionException closed) {
      stop();
    }
  }

  /** True while the table loop lags more than the bound (the latest measure, or the wait of the probe in flight). */
  public boolean lagging() {
    long posted = postedNanos;
    long lag = posted == 0 ? lagNanos : Math.max(lagNanos, table.clock().nanoTime() - posted);
    return lag > maxLagNanos;
  }
}
