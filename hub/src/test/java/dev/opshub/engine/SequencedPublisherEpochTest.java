package dev.opshub.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** {@link SequencedPublisher#advanceEpoch}: a publisher that stays in use moves to a greater epoch. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class SequencedPublisherEpochTest {

  @Test
  void everyAddressStartsAgainFromOneUnderTheNewEpoch(Vertx vertx, VertxTestContext test) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 100);
    List<String> seen = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.AGENTS_STATE, m -> record(seen, m, test)).completion()
        .onComplete(test.succeeding(v -> {
          publisher.publish(Addresses.AGENTS_STATE, "detection", new JsonObject());
          publisher.publish(Addresses.AGENTS_STATE, "detection", new JsonObject());
          publisher.advanceEpoch(250);
          test.verify(() -> {
            assertThat(publisher.epoch()).isEqualTo(250);
            assertThat(publisher.lastOffset(Addresses.AGENTS_STATE)).as("nothing published in epoch 250 yet").isZero();
          });
          assertThat(publisher.publish(Addresses.AGENTS_STATE, "detection", new JsonObject())).isEqualTo(1);
          assertThat(publisher.publish(Addresses.AGENTS_STATE, "diagnosis", new JsonObject())).isEqualTo(2);
        }));
  }

  private static void record(List<String> seen, Message<JsonObject> m, VertxTestContext test) {
    seen.add(m.headers().get(Headers.EPOCH) + "/" + m.headers().get(Headers.OFFSET));
    if (seen.size() == 4) {
      test.verify(() -> assertThat(seen).containsExactly("100/1", "100/2", "250/1", "250/2"));
      test.completeNow();
    }
  }

  @Test
  void anEpochThatIsNotGreaterIsRefused(Vertx vertx) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 100);
    assertThatThrownBy(() -> publisher.advanceEpoch(100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> publisher.advanceEpoch(99)).isInstanceOf(IllegalArgumentException.class);
    assertThat(publisher.epoch()).isEqualTo(100);
  }
}
