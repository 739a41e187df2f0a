package dev.opshub.engine;

import io.vertx.core.json.JsonObject;

/**
 * Where {@code ops.*} stream messages are published. The active engine's is {@link SequencedPublisher}, the single
 * writer of every stream: each publish carries headers {@code epoch} (fixed while this engine is active) and
 * {@code offset} (+1 per message on that address). Every publisher puts {@code ts} (epoch ms at publish) and, on
 * state streams, {@code key} in the body.
 */
public interface StreamPublisher {

  /** The epoch of the active engine; 0 for a publisher without epochs. */
  long epoch();

  /**
   * Publishes {@code body} on {@code address}. Adds {@code ts}, and {@code key} when not null; the body
   * must not be changed by the caller afterwards.
   *
   * @return the offset given to this message (0 for a publisher without offsets)
   */
  default long publish(String address, String key, JsonObject body) {
    return publish(address, key, body, null);
  }

  /**
   * The same, with header {@code id} = {@code id} when not null: the message's stable identity (a drill's
   * messages have one, so a copy published again by an engine that took the drill over is dropped).
   */
  long publish(String address, String key, JsonObject body, String id);
}
