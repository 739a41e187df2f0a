package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.Headers;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.NodeStats;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class EngineVerticleTest {

  private static final ClusterMember SELF = new ClusterMember("self", List.of("agents", "engine"));
  private static final ClusterMember OTHER = new ClusterMember("other", List.of("engine"));

  /** A membership the test changes at will. */
  private static final class TestMembership implements Membership {
    private final AtomicReference<List<ClusterMember>> members = new AtomicReference<>(List.of(SELF));

    @Override
    public String selfId() {
      return SELF.nodeId();
    }

    @Override
    public List<ClusterMember> members() {
      return members.get();
    }

    @Override
    public void onChange(Runnable listener) {
    }

    void set(Vertx vertx, List<ClusterMember> now) {
      members.set(now);
      vertx.eventBus().publish(Addresses.LOCAL_MEMBERSHIP_CHANGED, now.size(), new DeliveryOptions().setLocalOnly(true));
    }
  }

  /** Stands in for the domain engine: records the publisher it was given and that it was deployed and undeployed. */
  private static final class ProbeDomain extends VerticleBase {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    private final StreamPublisher publisher;

    ProbeDomain(StreamPublisher publisher) {
      this.publisher = publisher;
    }

    @Override
    public Future<?> start() {
      EVENTS.add("start:" + publisher.epoch() + ":" + config().getString("nodeId"));
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      EVENTS.add("stop:" + publisher.epoch());
      return Future.succeededFuture();
    }
  }

  @Test
  void activatesStepsDownAndReactivatesWithGreaterEpoch(Vertx vertx, VertxTestContext test) {
    ProbeDomain.EVENTS.clear();
    TestMembership membership = new TestMembership();
    EngineVerticle engine = new EngineVerticle(membership, p -> (Deployable) new ProbeDomain(p));
    JsonObject config = new JsonObject().put("nodeId", "self").put("dataDir", "target/engine-test");
    AtomicReference<Long> firstEpoch = new AtomicReference<>();
    vertx.deployVerticle(engine, new io.vertx.core.DeploymentOptions().setConfig(config))
        .compose(id -> {
          test.verify(() -> {
            assertThat(engine.isActive()).isTrue();
            assertThat(engine.epoch()).isPositive();
            assertThat(ProbeDomain.EVENTS).containsExactly("start:" + engine.epoch() + ":self");
            assertThat(vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).get(NodeLocalMap.ENGINE_LOCAL_ACTIVE))
                .isEqualTo("true");
          });
          firstEpoch.set(engine.epoch());
          // an older engine member appears first in the list: this one steps down
          return awaitChange(vertx, () -> membership.set(vertx, List.of(OTHER, SELF)));
        })
        .compose(active -> {
          test.verify(() -> {
            assertThat(active).isFalse();
            assertThat(engine.isActive()).isFalse();
            assertThat(ProbeDomain.EVENTS).containsExactly("start:" + firstEpoch.get() + ":self", "stop:" + firstEpoch.get());
          });
          // the other one leaves: this one takes over again, with a strictly greater epoch
          return awaitChange(vertx, () -> membership.set(vertx, List.of(SELF)));
        })
        .onComplete(test.succeeding(active -> test.verify(() -> {
          assertThat(active).isTrue();
          assertThat(engine.epoch()).isGreaterThan(firstEpoch.get());
          assertThat(ProbeDomain.EVENTS).hasSize(3).last().isEqualTo("start:" + engine.epoch() + ":self");
          test.completeNow();
        })));
  }

  @Test
  void standbyWhenAnotherEngineIsOlder(Vertx vertx, VertxTestContext test) {
    TestMembership membership = new TestMembership();
    membership.members.set(List.of(OTHER, SELF));
    EngineVerticle engine = new EngineVerticle(membership, null);
    vertx.deployVerticle(engine).onComplete(test.succeeding(id -> test.verify(() -> {
      assertThat(engine.isActive()).isFalse();
      assertThat(engine.epoch()).isZero();
      test.completeNow();
    })));
  }

  @Test
  void activeEngineRepublishesAgentStatusAndNodeStats(Vertx vertx, VertxTestContext test) {
    EngineVerticle engine = new EngineVerticle(new TestMembership(), null);
    var agentState = test.checkpoint();
    var nodeHealth = test.checkpoint();
    var agentHealth = test.checkpoint();
    vertx.eventBus().<JsonObject>consumer(Addresses.AGENTS_STATE, m -> test.verify(() -> {
      assertThat(m.headers().get(Headers.EPOCH)).isEqualTo(Long.toString(engine.epoch()));
      assertThat(m.headers().get(Headers.OFFSET)).isEqualTo("1");
      assertThat(m.body().getString("key")).isEqualTo("diagnosis");
      assertThat(m.body().getString("state")).isEqualTo("analyzing");
      assertThat(m.body().getLong("ts")).isPositive();
      agentState.flag();
    }));
    MessageConsumer<JsonObject> health = vertx.eventBus().consumer(Addresses.HEALTH);
    health.handler(m -> test.verify(() -> {
      String key = m.body().getString("key");
      if (key.equals("node:n-1")) {
        assertThat(m.body().getLong("connections")).isEqualTo(3);
        assertThat(m.body().getString("status")).isEqualTo("up");
        nodeHealth.flag();
      } else if (key.equals("agent:diagnosis")) {
        assertThat(m.body().getString("state")).isEqualTo("analyzing");
        assertThat(m.body().getBoolean("missing")).isFalse();
        assertThat(m.body().getString("node")).isEqualTo("n-1");
        agentHealth.flag();
        health.unregister();
      }
    }));
    vertx.deployVerticle(engine).onComplete(test.succeeding(id -> {
      AgentStatus status = new AgentStatus(AgentId.DIAGNOSIS, AgentState.ANALYZING, "n-1", 0.7, "inc-1", "d-1",
          "reading logs", null, false, System.currentTimeMillis());
      vertx.eventBus().publish(Addresses.INTERNAL_AGENT_STATUS, status.toJson());
      vertx.eventBus().publish(Addresses.INTERNAL_AGENT_STATUS, new JsonObject().put("agent", "nobody"));
      NodeStats stats = new NodeStats("n-1", List.of("web"), 1, 2, 0.1, 0.5, 3, 10, System.currentTimeMillis());
      vertx.eventBus().publish(Addresses.INTERNAL_NODE_STATS, stats.toJson());
    }));
  }

  /** Runs {@code change} and completes with the engine's new active state once it signals it. */
  private static Future<Boolean> awaitChange(Vertx vertx, Runnable change) {
    io.vertx.core.Promise<Boolean> changed = io.vertx.core.Promise.promise();
    MessageConsumer<Boolean> consumer = vertx.eventBus().localConsumer(Addresses.LOCAL_ENGINE_CHANGED);
    consumer.handler(m -> {
      consumer.unregister();
      changed.tryComplete(m.body());
    });
    consumer.completion().onSuccess(v -> change.run());
    return changed.future();
  }
}
