package dev.opshub.web.bridge.delivery;

import java.util.ArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Deadlines in slots of one millisecond ({@value #SLOTS} slots; later deadlines go round more than once), so one
 * timer can serve every lingering connection of an event loop. Times are milliseconds of {@code Clock.nanoTime()}.
 *
 * @param <T> what waits
 */
public final class LingerWheel<T> {

  public static final int SLOTS = 128;
  private static final long MASK = SLOTS - 1;

  private record Entry<T>(T item, long dueMs) {
  }

  private final ArrayList<ArrayList<Entry<T>>> slots = new ArrayList<>(SLOTS);
  private int waiting;
  /** The last millisecond whose slot was processed. */
  private long lastTickMs;

  public LingerWheel() {
    for (int i = 0; i < SLOTS; i++) {
      slots.add(new ArrayList<>());
    }
  }

  /**
   * Files {@code item} for {@code dueMs}, never into a slot already processed (it would wait a whole turn); returns
   * the millisecond it is due in.
   */
  public long add(T item, long dueMs, long nowMs) {
    if (waiting == 0) {
      lastTickMs = nowMs - 1;
    }
    long ms = Math.max(dueMs, lastTickMs + 1);
    slots.get((int) (ms & MASK)).add(new Entry<>(item, ms));
    waiting++;
    return ms;
  }

  /** Items waiting. */
  public int size() {
    return waiting;
  }

  /**
   * Processes every slot up to {@code nowMs}: items due by then go to {@code due} (which must not add to this wheel:
   * collect them, act after), items no longer {@code stillWaiting} are dropped, the rest wait for a later round.
   */
  public void advance(long nowMs, Predicate<T> stillWaiting, Consumer<T> due) {
    long from = Math.max(lastTickMs + 1, nowMs - MASK);
    lastTickMs = nowMs;
    for (long ms = from; ms <= nowMs; ms++) {
      ArrayList<Entry<T>> slot = slots.get((int) (ms & MASK));
      int kept = 0;
      int size = slot.size();
      for (int i = 0; i < size; i++) {
        Entry<T> e = slot.get(i);
        if (!stillWaiting.test(e.item)) {
          waiting--;
        } else if (e.dueMs <= nowMs) {
          waiting--;
          due.accept(e.item);
        } else {
          slot.set(kept++, e);
        }
      }
      for (int i = slot.size() - 1; i >= kept; i--) {
        slot.remove(i);
      }
    }
  }

  /** The first millisecond after {@code afterMs} whose slot holds anything, or -1 when nothing waits. */
  public long nextOccupied(long afterMs) {
    if (waiting == 0) {
      return -1;
    }
    for (long ms = afterMs + 1; ms <= afterMs + SLOTS; ms++) {
      if (!slots.get((int) (ms & MASK)).isEmpty()) {
        return ms;
      }
    }
    return -1;
  }
}
