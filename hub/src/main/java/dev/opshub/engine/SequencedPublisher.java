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
 * {@link #advanceEpoch} moves a publisher that stays in use to a greater epoch (offsets start again from 1), for an
 * engine that learns of a greater epoch than its own (another side's engine, after a partition healed).
 */
public final class SequencedPublisher implements StreamPublisher {

  /** Bound on distinct addresses; the engine writes a fixed handful of {@code ops.*} streams. */
  public static final int MAX_ADDRESSES = 256;

  private final EventBus eventBus;
  private final ConcurrentMap<String, Sequence> sequences = new ConcurrentHashMap<>();
  /** Read under an address's lock by each publish, so every address moves to a new epoch between two of its messages. */
  private volatile Epoch current;
  private volatile boolean closed;

  public SequencedPublisher(EventBus eventBus, long epoch) {
    if (epoch <= 0) {
      throw new IllegalArgumentException("epoch must be > 0");
    }
    this.eventBus = eventBus;
    this.current = new Epoch(epoch);
  }

  @Override
  public long epoch() {
    return current.value;
  }

  /**
   * Publishes under {@code next} from now on: each address's sequence starts again from offset 1 under it, and no
   * message of the old epoch follows one of the new on the same address. What the callers keep (their state) is
   * untouched; only the headers change.
   *
   * @throws IllegalArgumentException when {@code next} is not greater than the current epoch
   */
  public synchronized void advanceEpoch(long next) {
    if (next <= current.value) {
      throw new IllegalArgumentException("epoch " + next + " is not greater than " + current.value);
    }
    current = new Epoch(next);
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
      Epoch epoch = current;
      if (sequence.epoch != epoch) {
        sequence.epoch = epoch;
        sequence.last = 0;
      }
      long offset = ++sequence.last;
      body.put("ts", System.currentTimeMillis());
      if (key != null) {
        body.put("key", key);
      }
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(Headers.EPOCH, epoch.header)
          .addHeader(Headers.OFFSET, Long.toString(offset));
      if (id != null) {
        options.addHeader(Headers.ID, id);
      }
      eventBus.publish(address, body, options);
      return offset;
    }
  }

  /** The last offset given on {@code address} in the current epoch, 0 before any. */
  public long lastOffset(String address) {
    Sequence sequence = sequences.get(address);
    if (sequence == null) {
      return 0;
    }
    synchronized (sequence) {
      return sequence.epoch == current ? sequence.last : 0;
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
    private Epoch epoch;
    private long last;
  }

  private static final class Epoch {
    private final long value;
    private final String header;

    private Epoch(long value) {
      this.value = value;
      this.header = Long.toString(value);
    }
  }
}
