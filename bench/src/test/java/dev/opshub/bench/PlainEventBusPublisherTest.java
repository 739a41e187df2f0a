package dev.opshub.bench;

import dev.opshub.contract.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The baseline's messages are plain: no epoch or offset headers, {@code ts} the publish time. */
@ExtendWith(VertxExtension.class)
class PlainEventBusPublisherTest {

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void publishesWithoutHeadersAndStampsThePublishTime(Vertx vertx, VertxTestContext ctx) {
    ManualClock clock = new ManualClock().advance(42, TimeUnit.MILLISECONDS);
    PlainEventBusPublisher publisher = new PlainEventBusPublisher(vertx.eventBus(), clock);
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer("ops.bench.plain");
    consumer.handler(m -> ctx.verify(() -> {
      assertThat(m.headers().isEmpty()).isTrue();
      assertThat(m.body().encode()).isEqualTo("{\"seq\":1,\"ts\":1700000000042,\"pad\":\"xx\"}");
      ctx.completeNow();
    }));
    consumer.completion().onComplete(ctx.succeeding(v -> {
      assertThat(publisher.epoch()).isZero();
      publisher.publish("ops.bench.plain", null, new JsonObject().put("seq", 1L).put("ts", 0L).put("pad", "xx"));
    }));
  }
}
