package dev.opshub.web.bridge.delivery;

import java.util.ArrayList;

/**
 * Flushes the connections of one event loop; used on that loop only.
 * <ul>
 *   <li>A hand-off burst (everything the node table handed to this loop since the last one) marks the connections
 *       it queued messages for and flushes them when it ends: a burst is written as few frames, and a lone message
 *       waits for nothing. Outside a burst (replies, errors, drain) a mark posts one flush task.</li>
 *   <li>Connections whose partial batch lingers wait in a {@link LingerWheel} driven by one timer for the whole
 *       loop, armed for the next slot that holds a connection (connections of one flush group share their grid
 *       instants, so the loop wakes a few hundred times a second, not a thousand). Their new messages do not flush
 *       them again until the batch is full or the linger ends.</li>
 *   <li>Every flush happens inside a run of {@link SharedFrames}, so sockets getting the same messages share frames.</li>
 * </ul>
 * The scheduler owns what it knows of each connection ({@link Handle}: marked, lingering).
 */
public final class FlushScheduler {

  /** What the scheduler flushes: a connection's outbox. */
  public interface Flushable {
    /** Writes what can be written now; called inside a run of shared frames. */
    void flushInRun();

    boolean isClosed();
  }

  /** A connection's place in this scheduler. */
  public final class Handle {
    private final Flushable target;
    private boolean dirty;
    private boolean lingering;

    private Handle(Flushable target) {
      this.target = target;
    }

    /** Queues the connection for the next flush of this loop (at the end of the current burst, or posted). */
    public void mark() {
      FlushScheduler.this.mark(this);
    }

    /** Holds the connection's partial batch until {@code deadlineNanos}, or until it is full. */
    public void linger(long deadlineNanos) {
      FlushScheduler.this.linger(this, deadlineNanos);
    }

    /** True while the partial batch waits in the wheel. */
    public boolean lingering() {
      return lingering;
    }

    /** Flushes now, in a run of its own (drain, start). */
    public void flushNow() {
      frames.begin();
      try {
        target.flushInRun();
      } finally {
        frames.end();
      }
    }

    /** The scheduler this handle belongs to (the connection's event loop). */
    public FlushScheduler scheduler() {
      return FlushScheduler.this;
    }
  }

  private final EventLoop loop;
  private final SharedFrames frames;
  private ArrayList<Handle> dirty = new ArrayList<>();
  private ArrayList<Handle> spare = new ArrayList<>();
  private final LingerWheel<Handle> wheel = new LingerWheel<>();
  private final ArrayList<Handle> due = new ArrayList<>();
  /** The armed wake-up (null when nothing lingers), the slot (ms) it is for, and which arming it is. */
  private EventLoop.Timer timer;
  private long timerMs;
  private long armings;
  private boolean scheduled;
  private int bursts;

  public FlushScheduler(EventLoop loop, SharedFrames frames) {
    this.loop = loop;
    this.frames = frames;
  }

  public Handle register(Flushable target) {
    return new Handle(target);
  }

  public EventLoop loop() {
    return loop;
  }

  SharedFrames frames() {
    return frames;
  }

  /** A hand-off burst starts: marks wait for {@link #endBurst()}. */
  public void beginBurst() {
    bursts++;
  }

  /** The burst ends: everything it marked is flushed now. */
  public void endBurst() {
    if (--bursts == 0 && !dirty.isEmpty()) {
      run();
    }
  }

  private void mark(Handle handle) {
    if (handle.dirty) {
      return;
    }
    handle.dirty = true;
    dirty.add(handle);
    if (bursts == 0 && !scheduled) {
      scheduled = true;
      loop.post(this::run);
    }
  }

  private void linger(Handle handle, long deadlineNanos) {
    if (handle.lingering) {
      return;
    }
    handle.lingering = true;
    long nowMs = Math.floorDiv(loop.clock().nanoTime(), 1_000_000L);
    arm(wheel.add(handle, Math.floorDiv(deadlineNanos, 1_000_000L), nowMs));
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
    long arming = ++armings;
    timerMs = ms;
    timer = loop.schedule(Math.max(1, ms * 1_000_000L + 500_000L - loop.clock().nanoTime()), () -> {
      if (arming == armings) {
        timer = null;
        onTick();
      }
    });
  }

  private void onTick() {
    long nowMs = Math.floorDiv(loop.clock().nanoTime(), 1_000_000L);
    wheel.advance(nowMs, h -> !h.target.isClosed(), h -> {
      h.lingering = false;
      due.add(h);
    });
    if (!due.isEmpty()) {
      flushAll(due, false);
    }
    // the next slot holding anything (flushing may have added lingering connections and armed the timer already)
    long next = wheel.nextOccupied(nowMs);
    if (next >= 0) {
      arm(next);
    } else if (wheel.size() == 0 && timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void run() {
    scheduled = false;
    ArrayList<Handle> batch = dirty;
    dirty = spare;
    spare = batch;
    flushAll(batch, true);
  }

  /** Flushes {@code list} in one run of shared frames, then empties it; {@code marked}: they came from a mark. */
  private void flushAll(ArrayList<Handle> list, boolean marked) {
    frames.begin();
    try {
      for (int i = 0; i < list.size(); i++) {
        Handle h = list.get(i);
        if (marked) {
          h.dirty = false;
        }
        h.target.flushInRun();
      }
    } finally {
      list.clear();
      frames.end();
    }
  }
}
