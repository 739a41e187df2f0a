package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The active engine's {@link StreamPublisher}: one sequence per address, headers {@code epoch} and {@code offset}
 * as decimal strings, {@code ts} and {@code key} put in the body. Safe to call from any verticle's thread: the
 * offset is taken and the message published under the address's lock, so offsets leave in order.
 * Once {@link #close() closed} (the engine stepped down), publishing is dropped (offset {@code -1}), so a former
 * leader's timers still firing before their undeploy never interleave messages with the new epoch's.
 */
public final class SequencedPublisher implements StreamPublisher {

  /** Bound on distinct addresses; the engine writes a fixed handful of {@code ops.*} streams. */
  public static final int MAX_ADDRESSES = 256;

  private final EventBus eventBus;
  private final long epoch;
  private final String epochHeader;
  private final ConcurrentMap<String, Sequence> sequences = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public SequencedPublisher(EventBus eventBus, long epoch) {
    if (epoch <= 0) {
      throw new IllegalArgumentException("epoch must be > 0");
    }
    this.eventBus = eventBus;
    this.epoch = epoch;
    this.epochHeader = Long.toString(epoch);
  }

  @Override
  public long epoch() {
    return epoch;
  }

  /**
   * {@inheritDoc}
   *
   * @return the offset, or {@code -1} when this publisher is closed (the message is dropped)
   * @throws IllegalArgumentException when {@code address} is not a browser-facing stream ({@code ops.*}, not control)
   */
  @Override
  public long publish(String address, String key, JsonObject body, String id) {
    if (!Addresses.isBrowserFacing(address) || Addresses.isControl(address)) {
      throw new IllegalArgumentException("not an ops stream: " + address);
    }
    if (closed) {
      return -1;
    }
    Sequence sequence = sequences.get(address);
    if (sequence == null) {
      if (sequences.size() >= MAX_ADDRESSES) {
        throw new IllegalStateException("too many stream addresses (max " + MAX_ADDRESSES + ")");
      }
      sequence = sequences.computeIfAbsent(address, a -> new Sequence());
    }
    synchronized (sequence) {
      long offset = ++sequence.last;
      body.put("ts", System.currentTimeMillis());
      if (key != null) {
        body.put("key", key);
      }
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(Headers.EPOCH, epochHeader)
          .addHeader(Headers.OFFSET, Long.toString(offset));
      if (id != null) {
        options.addHeader(Headers.ID, id);
      }
      eventBus.publish(address, body, options);
      return offset;
    }
  }

  /** The last offset given on {@code address}, 0 before any. */
  public long lastOffset(String address) {
    Sequence sequence = sequences.get(address);
    if (sequence == null) {
      return 0;
    }
    synchronized (sequence) {
      return sequence.last;
    }
  }

  /** Refuses every later publish. */
  public void close() {
    closed = true;
  }

  public boolean isClosed() {
    return closed;
  }

  private static final class Sequence {
    private long last;
  }
}
