package dev.opshub.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class BenchPublisherTest {

  @Test
  void owedFollowsElapsedTimeExactly() {
    assertThat(BenchPublisher.owed(200, 0)).isZero();
    assertThat(BenchPublisher.owed(200, 4_999_999)).isZero();
    assertThat(BenchPublisher.owed(200, 5_000_000)).isEqualTo(1);
    assertThat(BenchPublisher.owed(100_000, 1_000_000_000L)).isEqualTo(100_000);
    assertThat(BenchPublisher.owed(100_000, 10_000_000L)).isEqualTo(1_000);
    // a day at the highest rate does not overflow
    assertThat(BenchPublisher.owed(BenchPublisher.MAX_RATE, 86_400L * 1_000_000_000L)).isEqualTo(86_400L * BenchPublisher.MAX_RATE);
  }

  @Test
  void rejectsOutOfRangeOptions(Vertx vertx) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 1);
    assertThatThrownBy(() -> new BenchPublisher(publisher, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BenchPublisher(publisher, 10, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publishesContiguousSeqFromOneWithPadAndSequenceHeaders(Vertx vertx, VertxTestContext test) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 99);
    long[] expected = {1};
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.BENCH);
    consumer.handler(m -> test.verify(() -> {
      JsonObject body = m.body();
      assertThat(body.getLong("seq")).isEqualTo(expected[0]);
      assertThat(m.headers().get(Headers.OFFSET)).isEqualTo(Long.toString(expected[0]));
      assertThat(m.headers().get(Headers.EPOCH)).isEqualTo("99");
      assertThat(body.getString("pad")).hasSize(64);
      assertThat(body.getLong("ts")).isPositive();
      assertThat(body.fieldNames()).containsExactly("seq", "ts", "pad");
      if (++expected[0] > 500) {
        consumer.unregister();
        test.completeNow();
      }
    }));
    consumer.completion().compose(v -> vertx.deployVerticle(new BenchPublisher(publisher, 2_000, 64)))
        .onFailure(test::failNow);
  }
}
