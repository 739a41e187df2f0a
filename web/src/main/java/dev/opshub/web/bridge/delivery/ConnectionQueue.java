package dev.opshub.web.bridge.delivery;

import java.util.HashMap;

/**
 * The bounded outbound queue of one connection (used only on that connection's context). Entries point at
 * shared, already encoded SockJS elements, so queuing costs no copy. Bounds: messages and bytes. When full, a
 * state message replaces the queued one with the same conflation key (the older is unlinked, the newer appended,
 * so offsets stay in order); anything else is refused and the caller decides (drop, then close as slow consumer).
 */
public final class ConnectionQueue {

  /** What became of an offered element. */
  public enum Offer { QUEUED, CONFLATED, DROPPED }

  /** One queued element; read by the connection's frame writer, linked by the queue only. */
  public static final class Entry {
    public final byte[] bytes;
    public final String key;
    public final long ts;
    public final long enqueuedNanos;
    private Entry prev;
    private Entry next;

    /** The entry after this one in the queue, or null. */
    public Entry next() {
      return next;
    }

    Entry(byte[] bytes, String key, long ts, long enqueuedNanos) {
      this.bytes = bytes;
      this.key = key;
      this.ts = ts;
      this.enqueuedNanos = enqueuedNanos;
    }
  }

  private final int maxMessages;
  private final long maxBytes;
  private final boolean conflation;
  private final HashMap<String, Entry> byKey = new HashMap<>();
  private Entry head;
  private Entry tail;
  private int size;
  private long bytes;
  /** Room granted to forced entries (replay, snapshot) still queued, so they never eat the live bound. */
  private int allowanceMessages;
  private long allowanceBytes;

  public ConnectionQueue(int maxMessages, long maxBytes, boolean conflation) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.conflation = conflation;
  }

  /**
   * Queues one element at {@code now} ({@code Clock.nanoTime()}, read once per message for all its connections).
   *
   * @param key   conflation key (address + body key) for state messages, else null
   * @param ts    body {@code ts} for the latency metric, 0 if unknown
   * @param force admit beyond the bounds (replay and snapshot, themselves bounded by the history window and key limit)
   */
  public Offer offer(byte[] element, String key, long ts, boolean force, long now) {
    if (!force && isFull(element.length)) {
      if (conflation && key != null) {
        Entry old = byKey.get(key);
        if (old != null) {
          unlink(old);
          append(new Entry(element, key, ts, now));
          return Offer.CONFLATED;
        }
      }
      return Offer.DROPPED;
    }
    if (force) {
      allowanceMessages++;
      allowanceBytes += element.length;
    }
    append(new Entry(element, key, ts, now));
    return Offer.QUEUED;
  }

  private boolean isFull(int extra) {
    return size >= maxMessages + allowanceMessages || bytes + extra > maxBytes + allowanceBytes;
  }

  /** True when the queue holds at most half its bounds (overflow is over). */
  public boolean belowHalf() {
    return size <= (maxMessages + allowanceMessages) / 2 && bytes <= (maxBytes + allowanceBytes) / 2;
  }

  /** Reads the fields an append touches (see {@link HandOff}). */
  public int warm() {
    Entry last = tail;
    return size + (last == null ? 0 : last.bytes.length);
  }

  public Entry peek() {
    return head;
  }


  public Entry poll() {
    Entry e = head;
    if (e != null) {
      unlink(e);
      if (allowanceMessages > 0) {
        allowanceMessages--;
        allowanceBytes = Math.max(0, allowanceBytes - e.bytes.length);
      }
    }
    return e;
  }

  public int size() {
    return size;
  }

  public long bytes() {
    return bytes;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public void clear() {
    head = null;
    tail = null;
    size = 0;
    bytes = 0;
    allowanceMessages = 0;
    allowanceBytes = 0;
    byKey.clear();
  }

  private void append(Entry e) {
    if (tail == null) {
      head = e;
    } else {
      tail.next = e;
      e.prev = tail;
    }
    tail = e;
    size++;
    bytes += e.bytes.length;
    if (e.key != null) {
      byKey.put(e.key, e);
    }
  }

  private void unlink(Entry e) {
    if (e.prev == null) {
      head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      tail = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    size--;
    bytes -= e.bytes.length;
    if (e.key != null && byKey.get(e.key) == e) {
      byKey.remove(e.key);
    }
  }
}
