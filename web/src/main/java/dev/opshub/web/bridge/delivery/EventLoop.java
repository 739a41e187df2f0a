package dev.opshub.web.bridge.delivery;

import dev.opshub.contract.Clock;

/**
 * What bridge code needs of the event loop it runs on: its clock, posting a task, and one-shot timers. Production
 * code uses {@link VertxEventLoop}; tests a manual loop whose time they step, so every decision made on timers is
 * tested exactly.
 */
public interface EventLoop {

  /** A timer that may still be cancelled. */
  interface Timer {
    void cancel();
  }

  Clock clock();

  /** Runs {@code task} on this loop after what it is doing now (safe to call from any thread). */
  void post(Runnable task);

  /** Runs {@code task} on this loop after {@code delayNanos}; called on this loop. */
  Timer schedule(long delayNanos, Runnable task);
}
