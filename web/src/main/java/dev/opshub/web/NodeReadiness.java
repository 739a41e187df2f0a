package dev.opshub.web;

import dev.opshub.web.bridge.delivery.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a web node tells a load balancer on {@code /ready}, and the drain of a node asked to stop: for the drain
 * period {@code /ready} answers 503 {@code draining} while the node still serves everything (new bridge sessions
 * too), so the balancer stops sending clients first; then the bridge clients are closed ({@code node_shutdown})
 * and reconnect elsewhere. A drain never lasts longer than its setting, and a close cuts it short.
 */
final class NodeReadiness {

  /** The node's state as {@code /ready} reports it ({@code "status"}). */
  enum State {
    STARTING, READY, DRAINING, STOPPED;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final EventLoop loop;
  private final long drainNanos;
  private final Supplier<Future<Void>> closeClients;
  private volatile State state = State.STARTING;
  private Promise<Void> drained;
  private EventLoop.Timer drainTimer;
  private Future<Void> closed;

  /**
   * @param loop         where the drain's timer runs
   * @param drainMs      how long {@code /ready} says draining before the clients are closed (0: at once)
   * @param closeClients tells every bridge client to reconnect elsewhere; called once
   */
  NodeReadiness(EventLoop loop, long drainMs, Supplier<Future<Void>> closeClients) {
    if (drainMs < 0) {
      throw new IllegalArgumentException("drainMs must be >= 0");
    }
    this.loop = Objects.requireNonNull(loop, "loop");
    this.drainNanos = TimeUnit.MILLISECONDS.toNanos(drainMs);
    this.closeClients = Objects.requireNonNull(closeClients, "closeClients");
  }

  State state() {
    return state;
  }

  boolean ready() {
    return state == State.READY;
  }

  /** The node serves: {@code /ready} says 200 from now on (unless a drain or close came first). */
  synchronized void serving() {
    if (state == State.STARTING) {
      state = State.READY;
    }
  }

  /**
   * Starts the drain ({@code /ready} 503 {@code draining}) and closes the bridge clients when the drain period is
   * over; completes once they were told. A second call returns the first one's future.
   */
  synchronized Future<Void> drain() {
    if (drained == null) {
      drained = Promise.promise();
      if (closed == null && drainNanos > 0) {
        state = State.DRAINING;
        drainTimer = loop.schedule(drainNanos, this::close);
      } else {
        close().onComplete(ar -> drained.tryComplete());
      }
    }
    return drained.future();
  }

  /** Closes the bridge clients now (ending a drain under way); once, whoever asks first. */
  synchronized Future<Void> close() {
    state = State.STOPPED;
    if (drainTimer != null) {
      drainTimer.cancel();
      drainTimer = null;
    }
    if (closed == null) {
      closed = closeClients.get();
      Promise<Void> drain = drained;
      if (drain != null) {
        closed.onComplete(ar -> drain.tryComplete());
      }
    }
    return closed;
  }
}
