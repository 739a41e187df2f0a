package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine stops in the middle of a drill (its publisher closed at once, as a dead engine publishes nothing more)
 * and another one takes the drill over from the journal: what viewers get, with the copies a node drops by their
 * id left out, is the very sequence of events the same seed gives without the takeover, and the after-action report
 * is the same. No message comes again with other content.
 */
@ExtendWith(VertxExtension.class)
class TakeoverTest {

  @ParameterizedTest(name = "{0} seed {1}, engine stops at the first {2}")
  @CsvSource({
      "database_cascade, 42, triage",
      "database_cascade, 42, proposal",
      "database_cascade, 42, recovery",
      "storage_failure, 7, analysis",
      "memory_leak, 3, closing"})
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void aDrillTakenOverEndsAsIfNothingHappened(String scenario, long seed, String phase, Vertx vertx,
                                               VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    CapturingPublisher next = new CapturingPublisher();
    AtomicBoolean cut = new AtomicBoolean();
    Promise<String> stopped = Promise.promise();
    String[] drill = new String[2];
    h.publisher.listen(m -> {
      if (Addresses.DRILLS.equals(m.address()) && m.key().equals(drill[1]) && phase.equals(m.body().getString("phase"))
          && cut.compareAndSet(false, true)) {
        h.publisher.close();
        stopped.complete(m.id());
      }
    });
    Promise<Void> done = Promise.promise();
    next.listen(m -> {
      if (Addresses.DRILLS.equals(m.address()) && m.key().equals(drill[1]) && !"running".equals(m.body().getString("state"))) {
        done.tryComplete();
      }
    });
    h.deploy()
        .compose(v -> h.run(EngineHarness.start(scenario, seed, 600)))
        .compose(reference -> {
          drill[0] = reference.getString("drillId");
          return h.control(EngineHarness.start(scenario, seed, 600))
              .compose(d -> {
                drill[1] = d.getString("id");
                return stopped.future();
              })
              .compose(at -> vertx.undeploy(h.engineDeployment))
              .compose(v -> vertx.deployVerticle(new DomainEngineVerticle(next), new DeploymentOptions()
                  .setConfig(new JsonObject().put("nodeId", "n2").put("dataDir", dir.toString()))))
              .compose(v -> done.future())
              .compose(v -> h.query(new JsonObject().put("op", "report").put("id", drill[1])))
              .map(report -> {
                assertThat(DeterminismTest.normalize(report, drill[1]))
                    .isEqualTo(DeterminismTest.normalize(reference, drill[0]));
                List<String> expected = events(h.publisher.messages(), drill[0], new HashSet<>());
                Set<String> seen = new HashSet<>();
                List<String> viewed = new ArrayList<>(events(h.publisher.messages(), drill[1], seen));
                int before = viewed.size();
                viewed.addAll(events(next.messages(), drill[1], seen));
                assertThat(before).as("published before the stop").isPositive().isLessThan(expected.size());
                for (int i = 0; i < Math.min(expected.size(), viewed.size()); i++) {
                  assertThat(viewed.get(i)).as("event " + i + " (" + before + " before the stop)").isEqualTo(expected.get(i));
                }
                assertThat(viewed).hasSameSizeAs(expected);
                assertSameContentPerId(h.publisher.messages(), next.messages(), drill[1]);
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The drill's messages in order, as a node forwards them: one whose id it has in {@code seen} is dropped. */
  private static List<String> events(List<CapturingPublisher.Published> messages, String drillId, Set<String> seen) {
    List<String> events = new ArrayList<>();
    for (CapturingPublisher.Published p : messages) {
      if (!DeterminismTest.DRILL_STREAMS.contains(p.address()) || !p.body().encode().contains(drillId)) {
        continue;
      }
      assertThat(p.id()).as("a drill's message has an id: %s", p).isNotNull();
      if (seen.add(p.id())) {
        events.add(p.address() + " " + (p.key() == null ? "" : p.key().replace(drillId, "D")) + " "
            + DeterminismTest.normalize(p.body(), drillId).encode());
      }
    }
    return events;
  }

  private static void assertSameContentPerId(List<CapturingPublisher.Published> first,
                                             List<CapturingPublisher.Published> then, String drillId) {
    Map<String, JsonObject> byId = new HashMap<>();
    for (CapturingPublisher.Published p : first) {
      if (p.id() != null) {
        byId.put(p.id(), DeterminismTest.normalize(p.body(), drillId));
      }
    }
    int again = 0;
    for (CapturingPublisher.Published p : then) {
      JsonObject earlier = p.id() == null ? null : byId.get(p.id());
      if (earlier != null) {
        again++;
        assertThat(DeterminismTest.normalize(p.body(), drillId)).as("message %s published again", p.id()).isEqualTo(earlier);
      }
    }
    assertThat(again).as("the last messages before the stop are published again, with their ids").isPositive();
  }
}
