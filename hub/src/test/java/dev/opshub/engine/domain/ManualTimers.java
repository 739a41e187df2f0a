package dev.opshub.engine.domain;

import dev.opshub.contract.ManualClock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@link Timers} on a {@link ManualClock}: {@link #advance} moves wall time and fires each timer as it comes due. */
final class ManualTimers implements Timers {

  private record Pending(long id, long dueMs, long delayMs, Runnable action) {
  }

  private final ManualClock clock;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private long nextId;
  private long elapsedMs;

  ManualTimers(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public long set(long delayMs, Runnable action) {
    long id = nextId++;
    pending.put(id, new Pending(id, elapsedMs + delayMs, delayMs, action));
    return id;
  }

  @Override
  public void cancel(long id) {
    pending.remove(id);
  }

  /** The delays (ms) of the timers set and neither fired nor cancelled, oldest first. */
  List<Long> delays() {
    List<Long> out = new ArrayList<>();
    pending.values().forEach(p -> out.add(p.delayMs()));
    return out;
  }

  /** Moves wall time forward by {@code ms}, firing every timer due on the way, in the order they are due. */
  void advance(long ms) {
    long end = elapsedMs + ms;
    while (true) {
      Pending next = pending.values().stream().filter(p -> p.dueMs() <= end)
          .min(Comparator.comparingLong(Pending::dueMs).thenComparingLong(Pending::id)).orElse(null);
      if (next == null) {
        break;
      }
      clock.advance(next.dueMs() - elapsedMs, TimeUnit.MILLISECONDS);
      elapsedMs = next.dueMs();
      pending.remove(next.id());
      next.action().run();
    }
    clock.advance(end - elapsedMs, TimeUnit.MILLISECONDS);
    elapsedMs = end;
  }
}
