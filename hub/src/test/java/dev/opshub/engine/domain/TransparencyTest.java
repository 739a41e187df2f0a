package dev.opshub.engine.domain;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Recorded runs: the shipped ones are listed and served, and a fresh report enriches into what /transparency shows. */
@ExtendWith(VertxExtension.class)
class TransparencyTest {

  private static void assertEnriched(JsonObject run) {
    JsonArray actions = run.getJsonArray("agentActions");
    JsonArray steps = run.getJsonArray("steps");
    assertThat(steps).hasSameSizeAs(actions);
    for (Object o : steps) {
      JsonObject step = (JsonObject) o;
      assertThat(step.getString("reasoning")).isNotBlank();
      JsonArray alts = step.getJsonArray("alternatives");
      if (!alts.isEmpty()) {
        assertThat(alts.stream().map(JsonObject.class::cast).filter(a -> a.getBoolean("chosen")).count()).isEqualTo(1);
      }
    }
    assertThat(run.getJsonArray("decisionTree")).hasSameSizeAs(run.getJsonArray("consensusRounds")).isNotEmpty();
    JsonObject firstRound = run.getJsonArray("decisionTree").getJsonObject(0);
    assertThat(firstRound.getJsonArray("options").stream().map(JsonObject.class::cast)
        .filter(a -> a.getBoolean("chosen")).count()).isEqualTo(1);
    assertThat(run.getJsonObject("confidenceOverTime").fieldNames()).contains("diagnosis", "resolution");
    assertThat(run.getJsonArray("communications").stream().map(JsonObject.class::cast)
        .anyMatch(c -> "stakeholders".equals(c.getString("to")))).isTrue();
    assertThat(run.getJsonObject("mttr").getDouble("mttrMinutes")).isPositive();
    assertThat(run.getJsonObject("phaseDurations").fieldNames()).isNotEmpty();
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void recordedRunsAreServedAndReportsEnrich(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    h.deploy()
        .compose(v -> h.query(new JsonObject().put("op", "recorded")))
        .compose(list -> {
          assertThat(list.getJsonArray("runs")).extracting(o -> ((JsonObject) o).getString("id"))
              .containsExactly("database_cascade", "ddos_attack", "memory_leak", "api_overload", "storage_failure");
          return h.query(new JsonObject().put("op", "recorded_run").put("id", "storage_failure"));
        })
        .compose(run -> {
          assertEnriched(run);
          assertThat(run.getJsonObject("outcome").getBoolean("resolved")).isTrue();
          return h.vertx.eventBus().request(dev.opshub.contract.Addresses.INTERNAL_ENGINE_QUERY,
              new JsonObject().put("op", "recorded_run").put("id", "nope")).transform(ar -> {
                assertThat(ar.cause().getMessage()).startsWith("not_found");
                return h.run(EngineHarness.start("api_overload", 11, 600));
              });
        })
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          assertEnriched(Transparency.enrich(report));
          ctx.completeNow();
        })));
  }
}
