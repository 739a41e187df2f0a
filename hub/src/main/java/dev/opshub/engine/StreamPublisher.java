package dev.opshub.engine;

import io.vertx.core.json.JsonObject;

/**
 * The engine's single writer of every {@code ops.*} stream. Each publish carries headers {@code epoch}
 * (fixed while this engine is active) and {@code offset} (+1 per message on that address), and a body
 * with {@code ts} (epoch ms at publish) and, on state streams, {@code key}.
 */
public interface StreamPublisher {

  /** The epoch of the active engine. */
  long epoch();

  /**
   * Publishes {@code body} on {@code address}. Adds {@code ts}, and {@code key} when not null; the body
   * must not be changed by the caller afterwards.
   *
   * @return the offset given to this message
   */
  long publish(String address, String key, JsonObject body);
}
