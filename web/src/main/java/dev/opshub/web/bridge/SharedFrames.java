package dev.opshub.web.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.util.Arrays;

/**
 * Builds the outbound frames of one event loop. A frame {@code a[e1,..,en]} is assembled from the shared encoded
 * elements; when another connection's frame holds the very same elements (same messages, same order — the usual
 * case when many dashboards watch the same streams) the bytes already built are written again: one encoded
 * WebSocket frame, one direct buffer, many sockets (straight to each socket, or, for what a socket does not take at
 * once, a retained slice through its pipeline, released by Netty once written). Frames are only shared within one
 * flush run ({@link #begin()}..{@link #end()}), so nothing is held between runs. Delivery counters are added to the
 * meters once per run.
 */
final class SharedFrames {

  /** Frames remembered per run: a connection flushing a backlog writes several frames before the next one. */
  private static final int SLOTS = 8;

  private final BridgeMetrics metrics;
  /** Per slot: the elements of the frame and the complete WebSocket frame (header + payload), or null. */
  private final byte[][][] elements;
  private final int[] counts = new int[SLOTS];
  private final ByteBuf[] frames = new ByteBuf[SLOTS];
  private int next;
  private int depth;
  private long deliveries;
  private long written;
  private long encodings;

  SharedFrames(BridgeMetrics metrics, int maxBatchMessages) {
    this.metrics = metrics;
    this.elements = new byte[SLOTS][maxBatchMessages][];
  }

  void begin() {
    depth++;
  }

  void end() {
    if (--depth > 0) {
      return;
    }
    for (int slot = 0; slot < SLOTS; slot++) {
      if (frames[slot] != null) {
        frames[slot].release();
        frames[slot] = null;
        Arrays.fill(elements[slot], 0, counts[slot], null);
        counts[slot] = 0;
      }
    }
    next = 0;
    push();
  }

  private void push() {
    if (written > 0) {
      metrics.deliveries.increment(deliveries);
      metrics.frames.increment(written);
      metrics.frameEncodings.increment(encodings);
      deliveries = 0;
      written = 0;
      encodings = 0;
    }
  }

  /**
   * Takes the next {@code n} entries of {@code queue} as one complete WebSocket text frame (unmasked, as a server
   * sends it) to be written below the WebSocket encoder. The buffer stays this object's: it is valid until the run
   * ends, and a caller that hands it to Netty passes a retained duplicate or slice. Called between {@link #begin()}
   * and {@link #end()} only (every flush is, through {@link FlushScheduler}).
   */
  ByteBuf takeShared(ConnectionQueue queue, int n, ByteBufAllocator alloc) {
    int slot = find(queue, n);
    if (slot < 0) {
      slot = next;
      next = (next + 1) % SLOTS;
      if (frames[slot] != null) {
        frames[slot].release();
      }
      int payload = payloadLength(queue, n);
      int header = payload <= 125 ? 2 : payload <= 0xFFFF ? 4 : 10;
      ByteBuf buf = alloc.directBuffer(header + payload);
      buf.writeByte(0x81); // FIN + text
      if (payload <= 125) {
        buf.writeByte(payload);
      } else if (payload <= 0xFFFF) {
        buf.writeByte(126).writeShort(payload);
      } else {
        buf.writeByte(127).writeLong(payload);
      }
      writePayload(buf, queue, n);
      frames[slot] = buf;
      byte[][] els = elements[slot];
      ConnectionQueue.Entry e = queue.peek();
      for (int i = 0; i < n; i++, e = e.next) {
        els[i] = e.bytes;
      }
      Arrays.fill(els, n, Math.max(n, counts[slot]), null);
      counts[slot] = n;
      encodings++;
    }
    sample(queue, n);
    return frames[slot];
  }

  /** The slot holding a frame of exactly the next {@code n} elements of {@code queue}, or -1. */
  private int find(ConnectionQueue queue, int n) {
    ConnectionQueue.Entry head = queue.peek();
    for (int slot = 0; slot < SLOTS; slot++) {
      if (frames[slot] == null || counts[slot] != n || elements[slot][0] != head.bytes) {
        continue;
      }
      byte[][] els = elements[slot];
      ConnectionQueue.Entry e = head.next;
      boolean same = true;
      for (int i = 1; same && i < n; i++, e = e.next) {
        same = els[i] == e.bytes;
      }
      if (same) {
        return slot;
      }
    }
    return -1;
  }

  /** The payload {@code a[e1,..,en]} of the next {@code n} entries as a heap buffer of its own (fallback path). */
  ByteBuf takePayload(ConnectionQueue queue, int n) {
    // heap, not pooled: WebSocketFrameImpl wraps the buffer as unreleasable, so a pooled buffer was never
    // released (direct memory leaked one frame at a time until OutOfMemoryError; found by bench/compare.sh)
    ByteBuf buf = Unpooled.buffer(payloadLength(queue, n));
    writePayload(buf, queue, n);
    encodings++;
    sample(queue, n);
    return buf;
  }

  private static int payloadLength(ConnectionQueue queue, int n) {
    int length = 3 + (n - 1); // a [ ] and the commas
    ConnectionQueue.Entry e = queue.peek();
    for (int i = 0; i < n; i++, e = e.next) {
      length += e.bytes.length;
    }
    return length;
  }

  private static void writePayload(ByteBuf buf, ConnectionQueue queue, int n) {
    buf.writeByte('a').writeByte('[');
    ConnectionQueue.Entry e = queue.peek();
    for (int i = 0; i < n; i++, e = e.next) {
      if (i > 0) {
        buf.writeByte(',');
      }
      buf.writeBytes(e.bytes);
    }
    buf.writeByte(']');
  }

  /** Removes the {@code n} entries written and records the frame (one latency sample: its oldest message). */
  private void sample(ConnectionQueue queue, int n) {
    long oldestTs = 0;
    for (int i = 0; i < n; i++) {
      ConnectionQueue.Entry entry = queue.poll();
      if (entry.ts > 0 && (oldestTs == 0 || entry.ts < oldestTs)) {
        oldestTs = entry.ts;
      }
    }
    if (oldestTs > 0) {
      metrics.latencyMillis(System.currentTimeMillis() - oldestTs);
    }
    metrics.messagesPerFrame.record(n);
    deliveries += n;
    written++;
  }
}
