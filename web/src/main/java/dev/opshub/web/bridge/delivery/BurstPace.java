package dev.opshub.web.bridge.delivery;

/**
 * The arrival pace of one connection's messages, in bursts: messages arriving within {@link #BURST_SPAN_NANOS} of a
 * burst's first one belong to it (two messages published together reach a connection in one hand-off or in two a
 * fraction of a millisecond apart; counted as two bursts they would cut frames inside a publish and make the pace
 * look twice as fast at half the size). From the bursts it tells whether the connection is busy (its partial
 * batches may linger), which flush period it gets (the linger, or the fill wait when its pace fills a frame within
 * that), and how many of the queue's last entries are the newest burst's live messages (where a frame is cut).
 * Times are {@code Clock.nanoTime()}.
 */
public final class BurstPace {

  /** Arrivals within this long of a burst's first one belong to that burst. */
  public static final long BURST_SPAN_NANOS = 3_000_000L;
  /** Bursts per linger-long window from which a connection counts as busy. */
  static final int BUSY_ARRIVALS = 2;
  /** The share of a frame a busy connection's pace must bring within the fill wait for its grid to take that period. */
  static final double FILL_FRACTION = 0.8;

  private final long lingerNanos;
  private final long fillWaitNanos;
  private final int maxBatch;
  /** Start of the newest burst, and its live messages so far. */
  private long lastBurstNanos;
  private int burstLiveMessages;
  /** Smoothed interval between bursts (ns) and live messages per burst; 0 until measured. */
  private double burstIntervalNanos;
  private double messagesPerBurst;
  /** Bursts in the current linger-long window and in the one before. */
  private long windowStartNanos;
  private int windowCount;
  private int previousWindowCount;
  /** Live messages of the newest burst that are the queue's last entries; 0 once anything else was appended. */
  private int tailMessages;

  public BurstPace(long lingerNanos, long fillWaitNanos, int maxBatch, long nowNanos) {
    this.lingerNanos = lingerNanos;
    this.fillWaitNanos = fillWaitNanos;
    this.maxBatch = maxBatch;
    this.lastBurstNanos = nowNanos - 2 * BURST_SPAN_NANOS;
    this.windowStartNanos = nowNanos;
  }

  /** A message that is not an answer to the client (a live message, a replay) arrives: it may start a burst. */
  public void arrival(long nowNanos) {
    if (nowNanos - lastBurstNanos <= BURST_SPAN_NANOS) {
      return;
    }
    tailMessages = 0;
    if (burstLiveMessages > 0) { // none before the first burst with live messages: no interval to fold yet
      long interval = nowNanos - lastBurstNanos;
      // a gap longer than two lingers is a pause in the traffic, not an interval of it
      if (interval <= 2 * lingerNanos) {
        burstIntervalNanos = burstIntervalNanos == 0 ? interval : burstIntervalNanos + (interval - burstIntervalNanos) / 8;
        messagesPerBurst = messagesPerBurst == 0
            ? burstLiveMessages : messagesPerBurst + (burstLiveMessages - messagesPerBurst) / 8;
      }
    }
    lastBurstNanos = nowNanos;
    burstLiveMessages = 0;
    if (nowNanos - windowStartNanos >= lingerNanos) {
      previousWindowCount = nowNanos - windowStartNanos < 2 * lingerNanos ? windowCount : 0;
      windowStartNanos = nowNanos;
      windowCount = 0;
    }
    windowCount++;
  }

  /** A live message of the newest burst was appended to the queue. */
  public void queuedLive() {
    tailMessages++;
    burstLiveMessages++;
  }

  /** Something else was appended, or conflation or a drop moved entries: frames are cut by size only for now. */
  public void tailBroken() {
    tailMessages = 0;
  }

  /** A frame was written; {@code remaining} entries are left in the queue. */
  public void written(int remaining) {
    tailMessages = Math.min(tailMessages, remaining);
  }

  /** Live messages of the newest burst at the queue's tail. */
  public int tailMessages() {
    return tailMessages;
  }

  /**
   * More messages are expected within the linger: bursts arrived at least {@link #BUSY_ARRIVALS} times in the
   * current or the previous linger-long window (about 60 bursts/s and more with a 35 ms linger).
   */
  public boolean busy() {
    return previousWindowCount >= BUSY_ARRIVALS || windowCount >= BUSY_ARRIVALS;
  }

  /**
   * The flush period of a busy connection: the fill wait when the recent pace (messages per burst over the burst
   * interval) brings at least {@link #FILL_FRACTION} of a frame within it, else the linger. The pace decides, not a
   * count of whole bursts: two messages every 10 ms and one every 5 ms fill a frame alike, and a burst split in two
   * now and then (a late timer) must not flip the period.
   */
  public long flushPeriod() {
    if (fillWaitNanos == 0 || burstIntervalNanos <= 0 || messagesPerBurst <= 0) {
      return lingerNanos;
    }
    double perFillWait = messagesPerBurst * fillWaitNanos / burstIntervalNanos;
    return perFillWait >= FILL_FRACTION * maxBatch ? fillWaitNanos : lingerNanos;
  }

  /**
   * The newest burst is probably still arriving: it began within the burst span and holds fewer messages than this
   * connection's bursts usually do (a publish reaches a connection in pieces when its event loop takes the first
   * message before the next one is handed over).
   */
  public boolean newestBurstIncomplete(long nowNanos) {
    return nowNanos - lastBurstNanos <= BURST_SPAN_NANOS && tailMessages + 0.5 < messagesPerBurst;
  }

  /** Reads the fields a delivery touches first (see the hand-off's read-ahead). */
  int warm() {
    return (int) lastBurstNanos + windowCount;
  }
}
