package dev.opshub.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Clock;
import dev.opshub.contract.Headers;
import dev.opshub.contract.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

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
  void owedStaysExactPastTheRangeOfLongProducts() {
    // 1M msg/s for 3 h: rate x elapsed passes Long.MAX_VALUE
    assertThat(BenchPublisher.owed(BenchPublisher.MAX_RATE, 3 * 3_600L * 1_000_000_000L))
        .isEqualTo(3 * 3_600L * BenchPublisher.MAX_RATE);
  }

  @Test
  void eachTickPublishesWhatTheElapsedTimeOwesAndSkipsWhatAStallLeftBeyondTheBacklog() {
    ManualClock clock = new ManualClock();
    List<JsonObject> bodies = new ArrayList<>();
    List<Long> told = new ArrayList<>();
    BenchPublisher bench = new BenchPublisher(capturing(bodies, clock), "ops.bench.test", 1_000, 3, clock, told::add);
    bench.begin();
    assertThat(bench.tick()).isZero();
    clock.advance(5, TimeUnit.MILLISECONDS);
    assertThat(bench.tick()).isEqualTo(5);
    clock.advance(500, TimeUnit.MICROSECONDS);
    assertThat(bench.tick()).as("half a message is not owed yet").isZero();
    clock.advance(500, TimeUnit.MICROSECONDS);
    assertThat(bench.tick()).isEqualTo(1);
    // a 100 ms stall owes 100: 20 ms worth go out, 80 are skipped
    clock.advance(100, TimeUnit.MILLISECONDS);
    assertThat(bench.tick()).isEqualTo(BenchPublisher.MAX_BACKLOG_MS);
    assertThat(bench.skipped()).isEqualTo(80);
    assertThat(told).as("the skip listener").containsExactly(80L);
    // the skipped ones are not owed any more: the next millisecond owes one
    clock.advance(1, TimeUnit.MILLISECONDS);
    assertThat(bench.tick()).isEqualTo(1);
    assertThat(bench.published()).isEqualTo(27);
    assertThat(bodies).extracting(b -> b.getLong("seq")).containsExactlyElementsOf(
        LongStream.rangeClosed(1, 27).boxed().toList());
    assertThat(bodies.get(0).encode()).isEqualTo("{\"seq\":1,\"ts\":1700000000005,\"pad\":\"xxx\"}");
    // the messages after the stall say how many were skipped; those before it do not
    assertThat(bodies).extracting(b -> b.getLong("skipped")).containsExactlyElementsOf(
        LongStream.rangeClosed(1, 27).mapToObj(seq -> seq <= 6 ? null : 80L).toList());
  }

  @Test
  void atLowRatesABacklogOfMoreThanOneMessageIsCutToOne() {
    ManualClock clock = new ManualClock();
    List<JsonObject> bodies = new ArrayList<>();
    BenchPublisher bench = new BenchPublisher(capturing(bodies, clock), Addresses.BENCH, 50, 0, clock);
    bench.begin();
    clock.advance(19, TimeUnit.MILLISECONDS);
    assertThat(bench.tick()).isZero();
    clock.advance(1, TimeUnit.MILLISECONDS);
    assertThat(bench.tick()).isEqualTo(1);
    clock.advance(1, TimeUnit.SECONDS);
    assertThat(bench.tick()).isEqualTo(1);
    assertThat(bench.skipped()).isEqualTo(49);
    assertThat(bodies).extracting(b -> b.getLong("seq")).containsExactly(1L, 2L);
  }

  /** Keeps every body, with {@code ts} from {@code clock} as a publisher sets it. */
  private static StreamPublisher capturing(List<JsonObject> bodies, ManualClock clock) {
    return new StreamPublisher() {
      @Override
      public long epoch() {
        return 0;
      }

      @Override
      public long publish(String address, String key, JsonObject body, String id) {
        bodies.add(body.put("ts", clock.currentTimeMillis()));
        return bodies.size();
      }
    };
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
    // each tick finds 1 ms passed (2 messages owed), however late the machine runs it: nothing is ever skipped
    Clock steps = new Clock() {
      private long nanos;

      @Override
      public long nanoTime() {
        return nanos += 1_000_000;
      }

      @Override
      public long currentTimeMillis() {
        return System.currentTimeMillis();
      }
    };
    consumer.completion().compose(v -> vertx.deployVerticle(new BenchPublisher(publisher, Addresses.BENCH, 2_000, 64,
            steps)))
        .onFailure(test::failNow);
  }
}
