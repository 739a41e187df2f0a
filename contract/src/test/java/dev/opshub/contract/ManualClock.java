package dev.opshub.contract;

import java.util.concurrent.TimeUnit;

/** A {@link Clock} for tests: stands still until {@link #advance} moves it. */
public final class ManualClock implements Clock {

  private long nanos = 1_000_000_000_000L;
  private long millis = 1_700_000_000_000L;

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long currentTimeMillis() {
    return millis;
  }

  /** Moves both clocks forward by {@code amount}; the wall clock by whole milliseconds of the total elapsed. */
  public ManualClock advance(long amount, TimeUnit unit) {
    long before = nanos;
    nanos += unit.toNanos(amount);
    millis += (nanos / 1_000_000L) - (before / 1_000_000L);
    return this;
  }
}
