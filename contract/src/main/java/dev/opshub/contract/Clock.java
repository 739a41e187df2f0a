package dev.opshub.contract;

/**
 * The time source of everything that depends on time (pace, lingers, timeouts, windows, drill clocks): production
 * code takes {@link #SYSTEM}, tests a manual clock they step by hand, so time-dependent logic is tested exactly.
 */
public interface Clock {

  /** The system clock: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
  Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }
  };

  /** Monotonic time for intervals, ns (as {@link System#nanoTime()}: only differences mean anything). */
  long nanoTime();

  /** Wall-clock time, epoch ms. */
  long currentTimeMillis();
}
