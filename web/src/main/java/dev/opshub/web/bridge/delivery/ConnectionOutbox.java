package dev.opshub.web.bridge.delivery;

import dev.opshub.web.bridge.metrics.BridgeMetrics;
import dev.opshub.web.bridge.transport.ClientTransport;

/**
 * What one connection is yet to receive: its bounded {@link ConnectionQueue}, the {@link BurstPace} of its messages,
 * and the writing of batched {@code a[...]} frames to its transport while the socket takes them. A busy
 * connection's partial batch lingers until the next instant of its flush grid ({@link FrameCut}); answers to the
 * client never wait. When the queue overflows, state messages are conflated; a queue that still overflows after the
 * grace, or one that dropped anything, ends as a slow consumer once what it holds (a gap-free prefix) is written.
 * Used on the connection's event loop only.
 */
public final class ConnectionOutbox implements FlushScheduler.Flushable {

  /** What the outbox tells its connection. */
  public interface Listener {
    /** The client cannot keep up: close it with {@code slow_consumer} (it resumes from what it got). */
    void slowConsumer();
  }

  private final ClientTransport transport;
  private final FlushScheduler.Handle flush;
  private final SharedFrames frames;
  private final EventLoop loop;
  private final DeliverySettings settings;
  private final BridgeMetrics metrics;
  private final Listener listener;
  private final ConnectionQueue queue;
  private final BurstPace pace;
  /** This connection's flush grid group (see {@link FrameCut#gridDeadline}). */
  private final int flushGroup;
  private boolean closed;
  private boolean overflowing;
  private boolean droppedDuringOverflow;
  private EventLoop.Timer overflowTimer;
  /** Queue depth and bytes last added to the node-wide gauges. */
  private int reportedDepth;
  private long reportedBytes;

  public ConnectionOutbox(ClientTransport transport, FlushScheduler scheduler, DeliverySettings settings,
                          BridgeMetrics metrics, int flushGroup, Listener listener) {
    this.transport = transport;
    this.flush = scheduler.register(this);
    this.frames = scheduler.frames();
    this.loop = scheduler.loop();
    this.settings = settings;
    this.metrics = metrics;
    this.listener = listener;
    this.flushGroup = flushGroup;
    this.queue = new ConnectionQueue(settings.maxQueueMessages(), settings.maxQueueBytes(), settings.conflation());
    this.pace = new BurstPace(settings.lingerNanos(), settings.fillWaitNanos(), settings.maxBatchMessages(),
        loop.clock().nanoTime());
  }

  /** The event loop's scheduler (the hand-off groups subscribers by it). */
  public FlushScheduler scheduler() {
    return flush.scheduler();
  }

  /** A live message ({@code key}: its conflation key, or null; {@code ts}: its publish time, or 0). */
  public void live(byte[] element, String key, long ts, long nowNanos) {
    enqueue(element, key, ts, false, false, nowNanos);
  }

  /** A replayed or snapshot message: admitted beyond the live bound (the history window bounds it) and not held. */
  public void replay(byte[] element, String key, long ts, long nowNanos) {
    enqueue(element, key, ts, true, true, nowNanos);
  }

  /** An answer to the client (pong, reply, error): written as soon as the socket takes it. */
  public void reply(byte[] element) {
    enqueue(element, null, 0, false, true, loop.clock().nanoTime());
  }

  /**
   * The node could not hand this connection everything: like a drop from its own queue, nothing more is queued,
   * what is queued is written and the connection ends as a slow consumer.
   */
  public void missed() {
    if (closed) {
      return;
    }
    overflow(true);
    flush.mark();
  }

  /** Writes what can be written now (after the socket drained, or at start). */
  public void flush() {
    flush.flushNow();
  }

  /** Frees everything; nothing more is queued or written. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (overflowTimer != null) {
      overflowTimer.cancel();
      overflowTimer = null;
    }
    queue.clear();
    reportQueue();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /** Messages queued. */
  public int queued() {
    return queue.size();
  }

  /** Reads the fields a delivery touches first, so they are in the cache when it comes (the hand-off's read-ahead). */
  public int warm() {
    return pace.warm() + (flush.lingering() ? 1 : 0) + queue.warm();
  }

  /**
   * @param force  admit beyond the live bound (replay, snapshot)
   * @param urgent flush even while the batch lingers (answers to the client)
   */
  private void enqueue(byte[] element, String key, long ts, boolean force, boolean urgent, long now) {
    if (closed) {
      return;
    }
    if (droppedDuringOverflow && !force) {
      // after a drop nothing more is queued: what the client gets stays a gap-free prefix it can resume from
      metrics.dropped.increment();
      return;
    }
    ConnectionQueue.Offer offer = queue.offer(element, key, ts, force, now);
    switch (offer) {
      case QUEUED -> { }
      case CONFLATED -> {
        metrics.conflated.increment();
        overflow(false);
      }
      case DROPPED -> {
        metrics.dropped.increment();
        overflow(true);
      }
    }
    if (!urgent) {
      // arrivals are counted per burst, not per message: messages that arrive together are one arrival
      pace.arrival(now);
    }
    if (urgent || force || offer != ConnectionQueue.Offer.QUEUED) {
      pace.tailBroken();
    } else {
      pace.queuedLive();
    }
    if (urgent || !flush.lingering() || queue.size() >= settings.maxBatchMessages()) {
      // a lingering batch is written by the scheduler's wheel, or here once it is full
      flush.mark();
    }
  }

  private void overflow(boolean dropped) {
    droppedDuringOverflow |= dropped;
    if (!overflowing) {
      overflowing = true;
      overflowTimer = loop.schedule(settings.slowConsumerGraceNanos(), () -> {
        overflowTimer = null;
        if (overflowing && !closed) {
          slowConsumer();
        }
      });
    }
  }

  private void slowConsumer() {
    metrics.slowConsumerCloses.increment();
    listener.slowConsumer();
  }

  @Override
  public void flushInRun() {
    if (closed) {
      return;
    }
    try {
      writeWhilePossible();
    } finally {
      reportQueue();
    }
  }

  /** Writes frames while the socket takes them; lingers only while a busy connection's batch fills. */
  private void writeWhilePossible() {
    int max = settings.maxBatchMessages();
    long now = loop.clock().nanoTime();
    boolean lingerOn = settings.lingerNanos() > 0;
    while (!queue.isEmpty()) {
      if (!transport.writable()) {
        break; // the transport reports when it can take more
      }
      int queued = queue.size();
      boolean lingers = lingerOn && pace.busy();
      int n = FrameCut.frameSize(queued, max, pace.tailMessages(), lingers, queued == max && pace.newestBurstIncomplete(now));
      if (FrameCut.mayLinger(n, queued, max, lingers)) {
        long deadline = FrameCut.gridDeadline(queue.peek().enqueuedNanos, pace.flushPeriod(), flushGroup,
            settings.flushGroups());
        if (deadline - now > FrameCut.MIN_LINGER_NANOS) {
          flush.linger(deadline);
          break;
        }
      }
      writeFrame(n, now);
      pace.written(queue.size());
      if (closed) {
        return;
      }
    }
    if (droppedDuringOverflow) {
      if (queue.isEmpty()) {
        // the client has everything before the first drop: closing lets it resume from there
        slowConsumer();
      }
    } else if (overflowing && queue.belowHalf()) {
      overflowing = false;
      if (overflowTimer != null) {
        overflowTimer.cancel();
        overflowTimer = null;
      }
    }
  }

  /** Writes the next {@code n} entries as one frame; records its size and its oldest message's latency. */
  private void writeFrame(int n, long now) {
    transport.write(frames.frameOf(queue, n), now);
    long oldestTs = 0;
    for (int i = 0; i < n; i++) {
      ConnectionQueue.Entry entry = queue.poll();
      if (entry.ts > 0 && (oldestTs == 0 || entry.ts < oldestTs)) {
        oldestTs = entry.ts;
      }
    }
    if (oldestTs > 0) {
      metrics.latencyMillis(loop.clock().currentTimeMillis() - oldestTs);
    }
    metrics.messagesPerFrame.record(n);
    frames.written(n);
  }

  /**
   * Brings the node-wide queue gauges up to date with this queue. Once per flush (every enqueue marks the
   * connection for one) and at close, not per message: two contended adders per delivery cost 3 % of the CPU.
   */
  private void reportQueue() {
    int depth = queue.size() - reportedDepth;
    long bytes = queue.bytes() - reportedBytes;
    if (depth != 0 || bytes != 0) {
      metrics.queueChanged(depth, bytes);
      reportedDepth = queue.size();
      reportedBytes = queue.bytes();
    }
  }
}
