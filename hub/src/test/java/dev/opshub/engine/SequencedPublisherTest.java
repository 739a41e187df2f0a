package dev.opshub.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class SequencedPublisherTest {

  @Test
  void offsetsGoUpByOnePerAddressIndependentlyWithConstantEpoch(Vertx vertx, VertxTestContext test) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 1_700_000_000_123L);
    List<Message<JsonObject>> agents = new ArrayList<>();
    List<Message<JsonObject>> health = new ArrayList<>();
    Future<Void> first = vertx.eventBus().<JsonObject>consumer(Addresses.AGENTS_STATE, agents::add).completion();
    Future<Void> second = vertx.eventBus().<JsonObject>consumer(Addresses.HEALTH, m -> {
      health.add(m);
      if (health.size() == 2) {
        test.verify(() -> {
          assertThat(agents).hasSize(3);
          assertThat(agents).extracting(m2 -> m2.headers().get(Headers.OFFSET)).containsExactly("1", "2", "3");
          assertThat(health).extracting(m2 -> m2.headers().get(Headers.OFFSET)).containsExactly("1", "2");
          assertThat(agents).allSatisfy(m2 -> assertThat(m2.headers().get(Headers.EPOCH)).isEqualTo("1700000000123"));
          assertThat(health).allSatisfy(m2 -> assertThat(m2.headers().get(Headers.EPOCH)).isEqualTo("1700000000123"));
          assertThat(publisher.lastOffset(Addresses.AGENTS_STATE)).isEqualTo(3);
          assertThat(publisher.lastOffset(Addresses.INCIDENTS)).isZero();
        });
        test.completeNow();
      }
    }).completion();
    Future.all(first, second).onComplete(test.succeeding(v -> {
      assertThat(publisher.publish(Addresses.AGENTS_STATE, "detection", new JsonObject().put("n", 1))).isEqualTo(1);
      assertThat(publisher.publish(Addresses.HEALTH, "node:a", new JsonObject())).isEqualTo(1);
      assertThat(publisher.publish(Addresses.AGENTS_STATE, "diagnosis", new JsonObject().put("n", 2))).isEqualTo(2);
      assertThat(publisher.publish(Addresses.AGENTS_STATE, "detection", new JsonObject().put("n", 3))).isEqualTo(3);
      assertThat(publisher.publish(Addresses.HEALTH, "node:b", new JsonObject())).isEqualTo(2);
    }));
  }

  @Test
  void bodyGetsTsAndKeyOnlyWhenGiven(Vertx vertx, VertxTestContext test) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 42);
    List<JsonObject> bodies = new ArrayList<>();
    long before = System.currentTimeMillis();
    vertx.eventBus().<JsonObject>consumer(Addresses.INCIDENTS_TIMELINE, m -> {
      bodies.add(m.body());
      if (bodies.size() == 2) {
        test.verify(() -> {
          assertThat(bodies.get(0).getString("key")).isEqualTo("inc-1");
          assertThat(bodies.get(0).getString("what")).isEqualTo("opened");
          assertThat(bodies.get(1).containsKey("key")).isFalse();
          assertThat(bodies).allSatisfy(b -> assertThat(b.getLong("ts")).isBetween(before, System.currentTimeMillis()));
        });
        test.completeNow();
      }
    }).completion().onComplete(test.succeeding(v -> {
      publisher.publish(Addresses.INCIDENTS_TIMELINE, "inc-1", new JsonObject().put("what", "opened"));
      publisher.publish(Addresses.INCIDENTS_TIMELINE, null, new JsonObject().put("what", "noted"));
    }));
  }

  @Test
  void closedPublisherDropsAndNonStreamAddressesAreRefused(Vertx vertx) {
    SequencedPublisher publisher = new SequencedPublisher(vertx.eventBus(), 7);
    assertThatThrownBy(() -> publisher.publish(Addresses.INTERNAL_AGENT_STATUS, null, new JsonObject()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> publisher.publish(Addresses.CONTROL_DRILLS, null, new JsonObject()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(publisher.publish(Addresses.DRILLS, "d1", new JsonObject())).isEqualTo(1);
    publisher.close();
    assertThat(publisher.publish(Addresses.DRILLS, "d1", new JsonObject())).isEqualTo(-1);
    assertThat(publisher.lastOffset(Addresses.DRILLS)).isEqualTo(1);
    assertThatThrownBy(() -> new SequencedPublisher(vertx.eventBus(), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
