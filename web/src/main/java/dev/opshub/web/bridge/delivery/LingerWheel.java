package dev.opshub.web.bridge.delivery;

import java.util.Arrays;
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

  /** Per slot: what waits and the millisecond it is due in, in parallel arrays (no object per entry). */
  private final Object[][] items = new Object[SLOTS][];
  private final long[][] dues = new long[SLOTS][];
  private final int[] sizes = new int[SLOTS];
  private int waiting;
  /** The last millisecond whose slot was processed. */
  private long lastTickMs;

  public LingerWheel() {
    for (int i = 0; i < SLOTS; i++) {
      items[i] = new Object[8];
      dues[i] = new long[8];
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
    int slot = (int) (ms & MASK);
    int size = sizes[slot];
    if (size == items[slot].length) {
      items[slot] = Arrays.copyOf(items[slot], size * 2);
      dues[slot] = Arrays.copyOf(dues[slot], size * 2);
    }
    items[slot][size] = item;
    dues[slot][size] = ms;
    sizes[slot] = size + 1;
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
  @SuppressWarnings("unchecked")
  public void advance(long nowMs, Predicate<T> stillWaiting, Consumer<T> due) {
    long from = Math.max(lastTickMs + 1, nowMs - MASK);
    lastTickMs = nowMs;
    for (long ms = from; ms <= nowMs; ms++) {
      int slot = (int) (ms & MASK);
      Object[] slotItems = items[slot];
      long[] slotDues = dues[slot];
      int size = sizes[slot];
      int kept = 0;
      for (int i = 0; i < size; i++) {
        T item = (T) slotItems[i];
        if (!stillWaiting.test(item)) {
          waiting--;
        } else if (slotDues[i] <= nowMs) {
          waiting--;
          due.accept(item);
        } else {
          slotItems[kept] = item;
          slotDues[kept++] = slotDues[i];
        }
      }
      Arrays.fill(slotItems, kept, size, null);
      sizes[slot] = kept;
    }
  }

  /** The first millisecond after {@code afterMs} whose slot holds anything, or -1 when nothing waits. */
  public long nextOccupied(long afterMs) {
    if (waiting == 0) {
      return -1;
    }
    for (long ms = afterMs + 1; ms <= afterMs + SLOTS; ms++) {
      if (sizes[(int) (ms & MASK)] > 0) {
        return ms;
      }
    }
    return -1;
  }
}
