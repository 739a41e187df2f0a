package dev.opshub.engine.domain;

import dev.opshub.drills.ScenarioLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every built-in scenario, run at speed 600 through the real agents and engine, ends resolved with a report on disk. */
@ExtendWith(VertxExtension.class)
class DrillScenariosTest {

  private static final Logger LOG = LoggerFactory.getLogger(DrillScenariosTest.class);

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void everyScenarioEndsResolvedWithAReport(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    List<JsonObject> reports = new ArrayList<>();
    Future<Void> chain = h.deploy();
    for (String scenario : ScenarioLoader.loadBuiltIn().keySet()) {
      chain = chain.compose(v -> h.run(EngineHarness.start(scenario, 7, 600))).map(r -> {
        reports.add(r);
        return null;
      });
    }
    chain.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(reports).hasSize(5);
      for (JsonObject r : reports) {
        JsonObject o = r.getJsonObject("outcome");
        LOG.info("{}: outcome {}", r.getString("scenario"), o.encode());
        assertThat(o.getBoolean("resolved")).as(r.getString("scenario") + " resolved").isTrue();
        assertThat(r.getJsonObject("incident").getString("status")).isEqualTo("closed");
        assertThat(o.getDouble("mttrMinutes")).isPositive();
        assertThat(r.getJsonObject("success").getBoolean("rootCauseCorrect")).as(r.getString("scenario") + " root cause")
            .isTrue();
        assertThat(Files.exists(dir.resolve("reports").resolve(r.getString("drillId") + ".json"))).isTrue();
        assertThat(r.getJsonArray("consensusRounds")).isNotEmpty();
        assertThat(r.getJsonObject("phaseDurations").fieldNames()).contains("detected", "investigating", "resolving");
      }
      ctx.completeNow();
    })));
  }
}
