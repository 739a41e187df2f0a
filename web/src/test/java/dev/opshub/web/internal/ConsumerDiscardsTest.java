package dev.opshub.web.internal;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ConsumerDiscardsTest {

  @Test
  void the_discards_of_a_full_consumer_reach_the_handler(Vertx vertx, VertxTestContext test) {
    AtomicInteger discarded = new AtomicInteger();
    vertx.runOnContext(v -> {
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(new MessageConsumerOptions().setAddress("t.discards")
          .setMaxBufferedMessages(2), m -> { });
      boolean installed = ConsumerDiscards.install(consumer, m -> {
        if (discarded.incrementAndGet() == 3) {
          test.completeNow();
        }
      });
      test.verify(() -> assertThat(installed).as("MessageConsumerImpl.discardHandler is there").isTrue());
      consumer.completion().onSuccess(done -> {
        consumer.pause();
        for (int i = 0; i < 5; i++) {
          vertx.eventBus().publish("t.discards", i);
        }
      });
    });
  }
}
