package dev.opshub.engine.domain;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files in the reports folder that are not reports (no scenario, an outcome of the wrong shape, not JSON, too
 * large) are skipped when the engine starts: the business metrics over what was loaded still answer.
 */
class ReportStoreTest {

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void strayFilesAreSkippedAndTheMetricsOfTheRestAnswer(@TempDir Path dir) throws Exception {
    JsonObject good = report("drill-a-1");
    Files.writeString(dir.resolve("drill-a-1.json"), good.encode());
    Files.writeString(dir.resolve("no-scenario.json"), report("drill-b-1").put("scenario", (String) null).encode());
    Files.writeString(dir.resolve("outcome-string.json"), report("drill-c-1").put("outcome", "resolved").encode());
    Files.writeString(dir.resolve("mttr-string.json"), report("drill-d-1")
        .put("outcome", good.getJsonObject("outcome").copy().put("mttrMinutes", "fast")).encode());
    Files.writeString(dir.resolve("not-json.json"), "{\"drillId\": ");
    Files.writeString(dir.resolve("array.json"), "[1, 2]");
    Files.write(dir.resolve("huge.json"), new byte[(int) ReportStore.MAX_REPORT_BYTES + 1]);

    List<JsonObject> loaded = new ReportStore(vertx, dir).load().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(loaded).extracting(r -> r.getString("drillId")).containsExactly("drill-a-1");
    BusinessMetrics metrics = new BusinessMetrics();
    loaded.forEach(r -> metrics.add(BusinessMetrics.Outcome.fromReport(r)));
    assertThat(metrics.toJson().getJsonObject("perScenario").fieldNames()).containsExactly("database_cascade");
  }

  private static JsonObject report(String id) {
    return new JsonObject().put("drillId", id).put("scenario", "database_cascade").put("endedTs", 1_000L)
        .put("outcome", new JsonObject().put("resolved", true).put("mttrMinutes", 12.5)
            .put("traditionalMttrMinutes", 45.0).put("slaMinutes", 30.0).put("costPerMinute", 1500.0)
            .put("automated", true));
  }
}
