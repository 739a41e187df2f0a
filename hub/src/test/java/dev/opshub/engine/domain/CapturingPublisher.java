package dev.opshub.engine.domain;

import dev.opshub.engine.StreamPublisher;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A {@link StreamPublisher} for tests: keeps every message, per address offsets, and tells listeners. */
final class CapturingPublisher implements StreamPublisher {

  record Published(String address, String key, long offset, JsonObject body, String id) {
  }

  private final List<Published> messages = new ArrayList<>();
  private final Map<String, AtomicLong> offsets = new ConcurrentHashMap<>();
  private final List<Consumer<Published>> listeners = new ArrayList<>();
  private boolean closed;

  @Override
  public long epoch() {
    return 1;
  }

  @Override
  public synchronized long publish(String address, String key, JsonObject body, String id) {
    if (closed) {
      return -1;
    }
    long offset = offsets.computeIfAbsent(address, a -> new AtomicLong()).incrementAndGet();
    body.put("ts", System.currentTimeMillis());
    if (key != null) {
      body.put("key", key);
    }
    Published p = new Published(address, key, offset, body.copy(), id);
    messages.add(p);
    for (Consumer<Published> l : List.copyOf(listeners)) {
      l.accept(p);
    }
    return offset;
  }

  /** Drops every later publish (as the engine's publisher does once the engine steps down or dies). */
  synchronized void close() {
    closed = true;
  }

  synchronized void listen(Consumer<Published> listener) {
    listeners.add(listener);
  }

  synchronized List<Published> messages() {
    return List.copyOf(messages);
  }
}
