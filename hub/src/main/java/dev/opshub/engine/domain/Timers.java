package dev.opshub.engine.domain;

import io.vertx.core.Vertx;

/** One-shot wall-clock timers as a drill uses them: Vert.x timers in production, fired by hand in tests. */
interface Timers {

  /** Runs {@code action} once after {@code delayMs}; returns the id to cancel it with. */
  long set(long delayMs, Runnable action);

  /** Cancels the timer {@code id}; nothing happens when it already fired or was cancelled. */
  void cancel(long id);

  /** Timers on {@code vertx}, on the calling context (the engine verticle's event loop). */
  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long set(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
