package dev.opshub.web.bridge;

import io.vertx.core.Context;
import io.vertx.core.Timer;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Flushes the connections of one event loop. Used on that event loop only.
 * <ul>
 *   <li>A hand-off burst (everything the node table handed to this event loop since the last one) marks the
 *       connections it queued messages for and flushes them when it ends: a burst is written as few frames, and a
 *       lone message waits for nothing. Outside a burst (replies, errors, drain) a mark posts one flush task.</li>
 *   <li>Connections whose partial batch lingers wait in a wheel of 1 ms slots driven by one timer for the whole
 *       event loop (not a timer per connection: at 200 msg/s on 1,000 connections that was 25,000 timers a
 *       second), armed for the next slot that holds a connection, not every millisecond: connections of one flush
 *       group share their grid instants, so the event loop wakes a few hundred times a second, not a thousand.
 *       Their new messages do not flush them again until the batch is full or the linger ends. Each
 *       connection flushes on its own grid (see {@link BridgeConnection}), so the writes of many busy connections
 *       are spread evenly over time instead of all landing in the same millisecond.</li>
 *   <li>Every flush happens inside a run of {@link SharedFrames}: connections whose next frame holds the same
 *       messages share one encoded WebSocket frame.</li>
 * </ul>
 */
final class FlushScheduler {

  /** Slots of the linger wheel (1 ms each); longer lingers go round more than once. */
  private static final int WHEEL_SLOTS = 128;
  private static final long WHEEL_MASK = WHEEL_SLOTS - 1;

  private final Context context;
  private final ContextInternal timers;
  private final SharedFrames frames;
  private ArrayList<BridgeConnection> dirty = new ArrayList<>();
  private ArrayList<BridgeConnection> spare = new ArrayList<>();
  @SuppressWarnings("unchecked")
  private final ArrayList<BridgeConnection>[] wheel = new ArrayList[WHEEL_SLOTS];
  private final ArrayList<BridgeConnection> due = new ArrayList<>();
  private int waiting;
  /** The armed wake-up (null when nothing lingers) and the slot (ms) it is for. */
  private Timer timer;
  private long timerMs;
  /** The last millisecond whose slot was processed. */
  private long lastTickMs;
  private boolean scheduled;
  private int bursts;

  FlushScheduler(Context context, BridgeMetrics metrics, int maxBatchMessages) {
    this.context = context;
    this.timers = (ContextInternal) context;
    this.frames = new SharedFrames(metrics, maxBatchMessages);
    for (int i = 0; i < WHEEL_SLOTS; i++) {
      wheel[i] = new ArrayList<>();
    }
  }

  SharedFrames frames() {
    return frames;
  }

  /** Queues {@code connection} for the next flush of this event loop. */
  void mark(BridgeConnection connection) {
    if (connection.dirty) {
      return;
    }
    connection.dirty = true;
    dirty.add(connection);
    if (bursts == 0 && !scheduled) {
      scheduled = true;
      context.runOnContext(v -> run());
    }
  }

  /** A hand-off burst starts: marks wait for {@link #endBurst()}. */
  void beginBurst() {
    bursts++;
  }

  /** The burst ends: everything it marked is flushed now. */
  void endBurst() {
    if (--bursts == 0 && !dirty.isEmpty()) {
      run();
    }
  }

  /** Flushes one connection now (drain handler, start). */
  void flushNow(BridgeConnection connection) {
    frames.begin();
    try {
      connection.flushInRun();
    } finally {
      frames.end();
    }
  }

  /**
   * Holds {@code connection}'s partial batch until {@code deadlineNanos} (or until it is full). Deadlines go into a
   * wheel of 1 ms slots; one timer per event loop is armed for the earliest slot that holds a connection.
   */
  void linger(BridgeConnection connection, long deadlineNanos) {
    if (connection.lingering) {
      return;
    }
    connection.lingering = true;
    if (waiting == 0) {
      lastTickMs = Math.floorDiv(System.nanoTime(), 1_000_000L) - 1;
    }
    // never into a slot already passed: it would wait a whole turn of the wheel
    long ms = Math.max(Math.floorDiv(deadlineNanos, 1_000_000L), lastTickMs + 1);
    connection.lingerDeadline = ms;
    wheel[(int) (ms & WHEEL_MASK)].add(connection);
    waiting++;
    arm(ms);
  }

  /**
   * Makes sure the timer fires within slot {@code ms} at the latest: at its middle, so a deadline anywhere in the
   * slot is at most half a millisecond away (a connection half a millisecond early writes, it does not linger again).
   */
  private void arm(long ms) {
    if (timer != null) {
      if (timerMs <= ms) {
        return;
      }
      timer.cancel();
    }
    Timer t = timers.timer(Math.max(1, ms * 1_000_000L + 500_000L - System.nanoTime()), TimeUnit.NANOSECONDS);
    timer = t;
    timerMs = ms;
    t.onSuccess(v -> {
      if (timer == t) {
        timer = null;
        onTick();
      }
    });
  }

  private void onTick() {
    long nowMs = Math.floorDiv(System.nanoTime(), 1_000_000L);
    long from = Math.max(lastTickMs + 1, nowMs - WHEEL_MASK);
    lastTickMs = nowMs;
    for (long ms = from; ms <= nowMs; ms++) {
      ArrayList<BridgeConnection> slot = wheel[(int) (ms & WHEEL_MASK)];
      int kept = 0;
      for (int i = 0; i < slot.size(); i++) {
        BridgeConnection c = slot.get(i);
        if (c.isClosed() || !c.lingering) {
          c.lingering = false;
          waiting--;
        } else if (c.lingerDeadline <= nowMs) {
          c.lingering = false;
          waiting--;
          due.add(c);
        } else {
          slot.set(kept++, c); // a later round of the wheel
        }
      }
      for (int i = slot.size() - 1; i >= kept; i--) {
        slot.remove(i);
      }
    }
    if (!due.isEmpty()) {
      flushAll(due, false);
    }
    // the next slot holding anything (flushing may have added lingering connections and armed the timer already)
    if (waiting > 0) {
      for (long ms = nowMs + 1; ms <= nowMs + WHEEL_SLOTS; ms++) {
        if (!wheel[(int) (ms & WHEEL_MASK)].isEmpty()) {
          arm(ms);
          break;
        }
      }
    } else if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void run() {
    scheduled = false;
    ArrayList<BridgeConnection> batch = dirty;
    dirty = spare;
    spare = batch;
    flushAll(batch, true);
  }

  /** Flushes {@code list} in one run of shared frames, then empties it; {@code marked}: they came from {@link #mark}. */
  private void flushAll(ArrayList<BridgeConnection> list, boolean marked) {
    frames.begin();
    try {
      for (int i = 0; i < list.size(); i++) {
        BridgeConnection c = list.get(i);
        if (marked) {
          c.dirty = false;
        }
        c.flushInRun();
      }
    } finally {
      list.clear();
      frames.end();
    }
  }
}
