package dev.opshub.web.bridge.delivery;

import dev.opshub.web.bridge.metrics.BridgeMetrics;
import dev.opshub.web.bridge.transport.OutboundFrame;

/**
 * The frames of one event loop's flush run: when a connection's next frame holds the very same elements as a frame
 * another connection wrote in this run (same messages in the same order, the usual case when many dashboards watch
 * the same streams), it gets that frame again, whose encodings are then built once for many sockets. Frames live
 * only within a run ({@link #begin()}..{@link #end()}), so nothing is held between runs; delivery counters go to the
 * meters once per run.
 */
public final class SharedFrames {

  /** Frames remembered per run: a connection flushing a backlog writes several frames before the next one. */
  private static final int SLOTS = 8;

  private final BridgeMetrics metrics;
  private final OutboundFrame[] frames = new OutboundFrame[SLOTS];
  private int next;
  private int depth;
  private long deliveries;
  private long written;
  private long encodings;

  public SharedFrames(BridgeMetrics metrics, int maxBatchMessages) {
    this.metrics = metrics;
    for (int i = 0; i < SLOTS; i++) {
      frames[i] = new OutboundFrame(maxBatchMessages);
    }
  }

  public void begin() {
    depth++;
  }

  public void end() {
    if (--depth > 0) {
      return;
    }
    for (OutboundFrame frame : frames) {
      if (frame.size() > 0) {
        encodings += frame.takeEncodings();
        frame.clear();
      }
    }
    next = 0;
    if (written > 0) {
      metrics.deliveries.increment(deliveries);
      metrics.frames.increment(written);
      metrics.frameEncodings.increment(encodings);
      deliveries = 0;
      written = 0;
      encodings = 0;
    }
  }

  /** The frame of the next {@code n} entries of {@code queue}, shared within the run; call between begin and end. */
  OutboundFrame frameOf(ConnectionQueue queue, int n) {
    OutboundFrame found = find(queue, n);
    if (found != null) {
      return found;
    }
    OutboundFrame frame = frames[next];
    next = (next + 1) % SLOTS;
    encodings += frame.takeEncodings();
    frame.clear();
    ConnectionQueue.Entry e = queue.peek();
    for (int i = 0; i < n; i++, e = e.next()) {
      frame.add(e.bytes);
    }
    return frame;
  }

  /** A frame of {@code n} messages was written to a socket. */
  void written(int n) {
    deliveries += n;
    written++;
  }

  private OutboundFrame find(ConnectionQueue queue, int n) {
    ConnectionQueue.Entry head = queue.peek();
    for (OutboundFrame frame : frames) {
      if (frame.size() != n || frame.element(0) != head.bytes) {
        continue;
      }
      ConnectionQueue.Entry e = head.next();
      boolean same = true;
      for (int i = 1; same && i < n; i++, e = e.next()) {
        same = frame.element(i) == e.bytes;
      }
      if (same) {
        return frame;
      }
    }
    return null;
  }
}
