package dev.opshub.web.bridge.delivery;

/**
 * Where a connection's next frame ends and how long a partial batch may wait: pure functions of the queue and the
 * pace, so each rule is tested on its own.
 */
public final class FrameCut {

  /** A partial batch due within this long of now is written now rather than lingering again. */
  public static final long MIN_LINGER_NANOS = 500_000L;

  private FrameCut() {
  }

  /**
   * Messages the next frame takes: a full frame, except that a busy connection holding more than a frame (or a
   * full one whose newest burst is still arriving) writes the messages older than the newest burst and lets that
   * burst start the next frame. Cutting inside a burst would make every later full frame span one burst more (at
   * two messages per 10 ms: 50 ms instead of 40 for its oldest message), and the frames would stay misaligned.
   *
   * @param queued                 messages in the queue
   * @param max                    most messages per frame
   * @param tail                   live messages of the newest burst at the queue's tail
   * @param lingers                lingering is on and the connection is busy
   * @param newestBurstIncomplete  the newest burst is probably still arriving
   */
  public static int frameSize(int queued, int max, int tail, boolean lingers, boolean newestBurstIncomplete) {
    int n = Math.min(queued, max);
    if (queued >= max && tail > 0 && tail < max && lingers && (queued > max || newestBurstIncomplete)) {
      int older = queued - tail;
      if (older > 0 && older < max) {
        n = older;
      }
    }
    return n;
  }

  /** True when a frame of {@code n} would be a partial batch that may wait (all that is queued, fewer than max). */
  public static boolean mayLinger(int n, int queued, int max, boolean lingers) {
    return n < max && n == queued && lingers;
  }

  /**
   * The first instant of a connection's flush grid at or after its oldest queued message: the grid has period
   * {@code period}, shifted by {@code group / groups} of it, so busy connections write in {@code groups} smaller
   * bursts per period instead of one big one while a burst still serves many sockets per wake-up; no message waits
   * a whole period.
   */
  public static long gridDeadline(long oldestNanos, long period, int group, int groups) {
    long phase = group * (period / groups);
    return oldestNanos + Math.floorMod(phase - oldestNanos, period);
  }
}
