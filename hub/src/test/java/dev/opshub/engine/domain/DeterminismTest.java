package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two drills of the same scenario, seed and speed, run at the same time through the real agents and engine,
 * publish the same sequence of events (address, key, body), once drill ids and wall-clock fields are set aside.
 */
@ExtendWith(VertxExtension.class)
class DeterminismTest {

  /** The streams a drill writes (business metrics aggregate every drill, so they are left out). */
  static final List<String> DRILL_STREAMS = List.of(Addresses.INCIDENTS, Addresses.INCIDENTS_TIMELINE,
      Addresses.CONSENSUS, Addresses.DRILLS);

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void sameSeedSameEvents(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    // storage_failure injects a slow agent, so timeouts and fallbacks are part of what must replay
    h.deploy()
        .compose(v -> pair(h, "database_cascade", 1234))
        .compose(v -> pair(h, "storage_failure", 99))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void anotherSeedGivesOtherValues(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    h.deploy()
        .compose(v -> Future.all(h.run(EngineHarness.start("database_cascade", 1, 600)),
            h.run(EngineHarness.start("database_cascade", 2, 600))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject a = all.resultAt(0);
          JsonObject b = all.resultAt(1);
          assertThat(events(h, a.getString("drillId"))).isNotEqualTo(events(h, b.getString("drillId")));
          ctx.completeNow();
        })));
  }

  private Future<Void> pair(EngineHarness h, String scenario, long seed) {
    return Future.all(h.run(EngineHarness.start(scenario, seed, 600)), h.run(EngineHarness.start(scenario, seed, 600)))
        .map(all -> {
          JsonObject a = all.resultAt(0);
          JsonObject b = all.resultAt(1);
          List<String> ea = events(h, a.getString("drillId"));
          List<String> eb = events(h, b.getString("drillId"));
          assertThat(ea).as(scenario + " events").hasSizeGreaterThan(20);
          for (int i = 0; i < Math.min(ea.size(), eb.size()); i++) {
            assertThat(eb.get(i)).as(scenario + " event " + i).isEqualTo(ea.get(i));
          }
          assertThat(eb).hasSameSizeAs(ea);
          assertThat(normalize(b, b.getString("drillId"))).isEqualTo(normalize(a, a.getString("drillId")));
          return null;
        });
  }

  /** The drill's published events, in order, as comparable strings. */
  static List<String> events(EngineHarness h, String drillId) {
    return h.publisher.messages().stream()
        .filter(p -> DRILL_STREAMS.contains(p.address()) && p.body().encode().contains(drillId))
        .map(p -> p.address() + " " + (p.key() == null ? "" : p.key().replace(drillId, "D")) + " "
            + normalize(p.body(), drillId).encode())
        .toList();
  }

  /** Drill id replaced, wall-clock fields removed. */
  static JsonObject normalize(JsonObject body, String drillId) {
    return (JsonObject) strip(new JsonObject(body.encode().replace(drillId, "D")));
  }

  private static Object strip(Object o) {
    if (o instanceof JsonObject j) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : j) {
        String k = e.getKey();
        if (k.equals("ts") || k.endsWith("Ts") || k.equals("recordedAt")) {
          continue;
        }
        out.put(k, strip(e.getValue()));
      }
      return out;
    }
    if (o instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(strip(x)));
      return out;
    }
    return o;
  }
}
