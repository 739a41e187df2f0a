package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import dev.opshub.contract.MapNames;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine acts only with the quorum, and moves to a greater epoch when it sees one above its own. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class EngineQuorumTest {

  private static final ClusterMember SELF = new ClusterMember("self", List.of("engine"));

  /** Always this node alone. */
  private static final Membership ALONE = new Membership() {
    @Override
    public String selfId() {
      return SELF.nodeId();
    }

    @Override
    public List<ClusterMember> members() {
      return List.of(SELF);
    }

    @Override
    public void onChange(Runnable listener) {
    }
  };

  /** A quorum of 3 the test gives and takes. */
  private static final class TestQuorum implements Quorum {
    final AtomicBoolean present = new AtomicBoolean();

    @Override
    public int required() {
      return 3;
    }

    @Override
    public boolean present() {
      return present.get();
    }
  }

  /** Records the publisher it was given; counts starts and stops. */
  private static final class Domain extends VerticleBase {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static final AtomicReference<StreamPublisher> PUBLISHER = new AtomicReference<>();
    private final StreamPublisher publisher;

    Domain(StreamPublisher publisher) {
      this.publisher = publisher;
    }

    @Override
    public Future<?> start() {
      PUBLISHER.set(publisher);
      EVENTS.add("start");
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      EVENTS.add("stop");
      return Future.succeededFuture();
    }
  }

  @Test
  void actsOnlyWhileItsSideHasTheQuorum(Vertx vertx, VertxTestContext test) {
    TestQuorum quorum = new TestQuorum();
    EngineVerticle engine = new EngineVerticle(ALONE, quorum, null);
    AtomicReference<Long> first = new AtomicReference<>();
    vertx.deployVerticle(engine)
        .compose(id -> {
          test.verify(() -> assertThat(engine.isActive()).as("leader without the quorum").isFalse());
          return awaitActive(vertx, true, () -> quorum.present.set(true));
        })
        .compose(v -> {
          first.set(engine.epoch());
          return awaitActive(vertx, false, () -> quorum.present.set(false));
        })
        .compose(v -> {
          test.verify(() -> assertThat(engine.epoch()).isZero());
          return awaitActive(vertx, true, () -> quorum.present.set(true));
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(engine.epoch()).isGreaterThan(first.get());
          test.completeNow();
        })));
  }

  @Test
  void aGreaterEpochOnOpsHealthMovesThePublisherAboveItWithoutRestartingTheDomain(Vertx vertx, VertxTestContext test) {
    Domain.EVENTS.clear();
    EngineVerticle engine = new EngineVerticle(ALONE, Quorum.NONE, p -> new Domain(p));
    AtomicReference<Long> other = new AtomicReference<>();
    vertx.deployVerticle(engine, new DeploymentOptions().setConfig(new JsonObject().put("dataDir", "target/engine-test")))
        .compose(id -> {
          StreamPublisher publisher = Domain.PUBLISHER.get();
          publisher.publish(Addresses.DRILLS, "d-1", new JsonObject().put("state", "running"));
          publisher.publish(Addresses.DRILLS, "d-1", new JsonObject().put("state", "running"));
          // the other side's engine took a later epoch while this one kept running
          other.set(engine.epoch() + 60_000);
          return awaitEpochAbove(vertx, engine, other.get(), () -> vertx.eventBus().publish(Addresses.HEALTH,
              new JsonObject().put("key", "node:other"), new DeliveryOptions().addHeader(Headers.EPOCH, Long.toString(other.get()))));
        })
        .compose(epoch -> nextOn(vertx, Addresses.DRILLS, () -> Domain.PUBLISHER.get()
            .publish(Addresses.DRILLS, "d-1", new JsonObject().put("state", "running"))))
        .onComplete(test.succeeding(headers -> test.verify(() -> {
          assertThat(Long.parseLong(headers.getString(Headers.EPOCH))).isEqualTo(engine.epoch()).isGreaterThan(other.get());
          assertThat(headers.getString(Headers.OFFSET)).as("a new epoch starts its offsets again").isEqualTo("1");
          assertThat(Domain.EVENTS).as("the domain engine keeps running").containsExactly("start");
          assertThat(Domain.PUBLISHER.get().epoch()).isEqualTo(engine.epoch());
          test.completeNow();
        })));
  }

  @Test
  void aGreaterEpochInTheMergedEpochMapMovesThePublisherAboveIt(Vertx vertx, VertxTestContext test) {
    EngineVerticle engine = new EngineVerticle(ALONE, Quorum.NONE, null);
    AtomicReference<Long> merged = new AtomicReference<>();
    vertx.deployVerticle(engine)
        .compose(id -> {
          merged.set(engine.epoch() + 120_000);
          return vertx.sharedData().<String, Long>getAsyncMap(MapNames.ENGINE)
              .compose(map -> map.put(MapNames.EPOCH_KEY, merged.get()));
        })
        .compose(v -> awaitEpochAbove(vertx, engine, merged.get(), () -> { }))
        .onComplete(test.succeeding(epoch -> test.verify(() -> {
          assertThat(engine.isActive()).isTrue();
          test.completeNow();
        })));
  }

  /** Runs {@code change}, then completes once the engine's active state is {@code active}. */
  private static Future<Void> awaitActive(Vertx vertx, boolean active, Runnable change) {
    Promise<Void> done = Promise.promise();
    MessageConsumer<Boolean> consumer = vertx.eventBus().localConsumer(Addresses.LOCAL_ENGINE_CHANGED);
    consumer.handler(m -> {
      if (m.body() == active) {
        consumer.unregister();
        done.tryComplete();
      }
    });
    consumer.completion().onSuccess(v -> change.run());
    return done.future();
  }

  /** Runs {@code change}, then polls until the engine's epoch is above {@code floor}. */
  private static Future<Long> awaitEpochAbove(Vertx vertx, EngineVerticle engine, long floor, Runnable change) {
    Promise<Long> done = Promise.promise();
    change.run();
    vertx.setPeriodic(20, timer -> {
      if (engine.epoch() > floor) {
        vertx.cancelTimer(timer);
        done.tryComplete(engine.epoch());
      }
    });
    return done.future();
  }

  /** The headers of the next message on {@code address} after running {@code publish}. */
  private static Future<JsonObject> nextOn(Vertx vertx, String address, Runnable publish) {
    Promise<JsonObject> done = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address);
    consumer.handler(m -> {
      consumer.unregister();
      done.tryComplete(new JsonObject().put(Headers.EPOCH, m.headers().get(Headers.EPOCH))
          .put(Headers.OFFSET, m.headers().get(Headers.OFFSET)));
    });
    consumer.completion().onSuccess(v -> publish.run());
    return done.future();
  }
}
