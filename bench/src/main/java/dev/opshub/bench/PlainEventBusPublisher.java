package dev.opshub.bench;

import dev.opshub.contract.Clock;
import dev.opshub.engine.StreamPublisher;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * The stock-bridge baseline's {@link StreamPublisher}: plain event-bus publishes without {@code epoch}/{@code offset}
 * headers (the stock bridge has nothing to resume from), {@code ts} set to the publish time, the load client's
 * latency reference.
 */
final class PlainEventBusPublisher implements StreamPublisher {

  private final EventBus eventBus;
  private final Clock clock;

  PlainEventBusPublisher(EventBus eventBus, Clock clock) {
    this.eventBus = eventBus;
    this.clock = clock;
  }

  @Override
  public long epoch() {
    return 0;
  }

  @Override
  public long publish(String address, String key, JsonObject body, String id) {
    body.put("ts", clock.currentTimeMillis());
    if (key != null) {
      body.put("key", key);
    }
    eventBus.publish(address, body);
    return 0;
  }
}
