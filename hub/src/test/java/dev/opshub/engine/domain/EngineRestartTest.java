package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
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

/** Reports and metrics survive a restart; an engine taking over republishes the open incidents it finds in the map. */
@ExtendWith(VertxExtension.class)
class EngineRestartTest {

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void reportsSurviveARestartAndOpenIncidentsAreKept(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    String[] first = new String[1];
    String[] second = new String[1];
    CapturingPublisher next = new CapturingPublisher();
    h.deploy()
        .compose(v -> h.run(EngineHarness.start("ddos_attack", 3, 600)))
        .compose(r -> {
          first[0] = r.getString("drillId");
          // a drill left open (policy wait, paused) when the engine goes away
          return h.control(EngineHarness.start("memory_leak", 3, 1).put("policy", "wait"));
        })
        .compose(d -> {
          second[0] = d.getString("id");
          return vertx.sharedData().<String, JsonObject>getAsyncMap(DomainEngineVerticle.INCIDENTS_MAP)
              .compose(m -> m.put("left-open-inc", new JsonObject().put("id", "left-open-inc").put("status", "investigating")
                  .put("scenario", "memory_leak").put("drillId", second[0])));
        })
        .compose(v -> vertx.undeploy(h.engineDeployment))
        .compose(v -> vertx.deployVerticle(new DomainEngineVerticle(next), new DeploymentOptions()
            .setConfig(new JsonObject().put("nodeId", "n2").put("dataDir", dir.toString()))))
        .compose(id -> vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY,
            new JsonObject().put("op", "reports")))
        .compose(reports -> {
          assertThat(reports.body().getJsonArray("reports")).extracting(o -> ((JsonObject) o).getString("drillId"))
              .containsExactly(first[0]);
          return vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY,
              new JsonObject().put("op", "report").put("id", first[0]));
        })
        .compose(report -> {
          assertThat(report.body().getJsonObject("outcome").getBoolean("resolved")).isTrue();
          return vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY, new JsonObject().put("op", "summary"));
        })
        .compose(summary -> {
          assertThat(summary.body().getInteger("incidentsHandled")).isEqualTo(1);
          assertThat(summary.body().getDouble("costAvoided")).isPositive();
          return vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY,
              new JsonObject().put("op", "drill").put("id", second[0]));
        })
        .onComplete(ctx.succeeding(drill -> ctx.verify(() -> {
          assertThat(drill.body().getString("state")).isEqualTo("interrupted");
          assertThat(next.messages()).anyMatch(m -> Addresses.INCIDENTS.equals(m.address())
              && "left-open-inc".equals(m.key()));
          assertThat(next.messages()).anyMatch(m -> Addresses.DRILLS.equals(m.address()) && second[0].equals(m.key()));
          ctx.completeNow();
        })));
  }
}
