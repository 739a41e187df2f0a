package dev.opshub.web.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * A single-writer sequenced stream as the engine publishes it: headers epoch/offset, body ts (and key). All
 * publishing happens on one context, in call order.
 */
final class Streams {

  private final Vertx vertx;
  private final Context context;
  final String address;
  final long epoch;
  private long offset;

  Streams(Vertx vertx, String address, long epoch) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.address = address;
    this.epoch = epoch;
  }

  private void publishNow(String key, JsonObject body) {
    offset++;
    JsonObject b = body.copy().put("ts", System.currentTimeMillis()).put("seq", offset);
    if (key != null) {
      b.put("key", key);
    }
    vertx.eventBus().publish(address, b, new DeliveryOptions()
        .addHeader("epoch", Long.toString(epoch)).addHeader("offset", Long.toString(offset)));
  }

  /** Publishes n messages in one event-loop task (one burst); keys cycle over keyPrefix0..keyPrefix(keys-1) when given. */
  Future<Long> burst(int n, String keyPrefix, int keys) {
    return burst(n, keyPrefix, keys, null);
  }

  /** Same, each body padded with {@code pad}. */
  Future<Long> burst(int n, String keyPrefix, int keys, String pad) {
    Promise<Long> done = Promise.promise();
    context.runOnContext(v -> {
      for (int i = 0; i < n; i++) {
        JsonObject body = new JsonObject().put("n", i);
        if (pad != null) {
          body.put("pad", pad);
        }
        publishNow(keyPrefix == null ? null : keyPrefix + (i % keys), body);
      }
      done.complete(offset);
    });
    return done.future();
  }

  Future<Long> publish(String key, JsonObject body) {
    Promise<Long> done = Promise.promise();
    context.runOnContext(v -> {
      publishNow(key, body);
      done.complete(offset);
    });
    return done.future();
  }
}
