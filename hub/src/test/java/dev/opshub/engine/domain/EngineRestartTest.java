package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.MapNames;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
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

/**
 * Reports and metrics survive a restart; an engine taking over keeps the open incidents it finds in the
 * cluster map and resumes the drill that was running, under the same ids.
 */
@ExtendWith(VertxExtension.class)
class EngineRestartTest {

  private static Future<JsonObject> query(Vertx vertx, JsonObject q) {
    return vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY, q).map(Message::body);
  }

  private static Future<String> deployEngine(Vertx vertx, CapturingPublisher publisher, Path dir) {
    return vertx.deployVerticle(new DomainEngineVerticle(publisher), new DeploymentOptions()
        .setConfig(new JsonObject().put("nodeId", "n2").put("dataDir", dir.toString())));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void reportsAndMetricsSurviveARestart(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    String[] first = new String[1];
    h.deploy()
        .compose(v -> h.run(EngineHarness.start("ddos_attack", 3, 600)))
        .compose(r -> {
          first[0] = r.getString("drillId");
          return vertx.undeploy(h.engineDeployment);
        })
        .compose(v -> deployEngine(vertx, new CapturingPublisher(), dir))
        .compose(id -> query(vertx, new JsonObject().put("op", "reports")))
        .compose(reports -> {
          assertThat(reports.getJsonArray("reports")).extracting(o -> ((JsonObject) o).getString("drillId"))
              .containsExactly(first[0]);
          return query(vertx, new JsonObject().put("op", "report").put("id", first[0]));
        })
        .compose(report -> {
          assertThat(report.getJsonObject("outcome").getBoolean("resolved")).isTrue();
          return query(vertx, new JsonObject().put("op", "summary"));
        })
        .onComplete(ctx.succeeding(summary -> ctx.verify(() -> {
          assertThat(summary.getInteger("incidentsHandled")).isEqualTo(1);
          assertThat(summary.getDouble("costAvoided")).isPositive();
          assertThat(summary.getJsonArray("latestDrills")).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aTakingOverEngineKeepsOpenIncidentsAndResumesTheDrill(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    CapturingPublisher next = new CapturingPublisher();
    String[] id = new String[1];
    JsonObject[] before = new JsonObject[1];
    Promise<JsonObject> awaiting = Promise.promise();
    Promise<JsonObject> resumedAwaiting = Promise.promise();
    h.publisher.listen(m -> {
      if (Addresses.DRILLS.equals(m.address()) && "awaiting_approval".equals(m.body().getString("phase"))) {
        awaiting.tryComplete(m.body());
      }
    });
    next.listen(m -> {
      if (Addresses.DRILLS.equals(m.address()) && "awaiting_approval".equals(m.body().getString("phase"))) {
        resumedAwaiting.tryComplete(m.body());
      }
    });
    h.deploy()
        .compose(v -> h.control(EngineHarness.start("database_cascade", 7, 600).put("policy", "wait")))
        .compose(d -> {
          id[0] = d.getString("id");
          return h.control(new JsonObject().put("action", "inject_fault").put("drillId", id[0]).put("agent", "diagnosis")
              .put("fault", "byzantine:no_evidence"));
        })
        .compose(d -> awaiting.future())
        .compose(d -> {
          before[0] = d;
          return vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.INCIDENTS)
              .compose(m -> m.put("left-open-inc", new JsonObject().put("id", "left-open-inc").put("status", "investigating")
                  .put("scenario", "memory_leak").put("drillId", "gone")));
        })
        // the active engine goes away, another one takes over with the same cluster maps
        .compose(v -> vertx.undeploy(h.engineDeployment))
        .compose(v -> deployEngine(vertx, next, dir))
        .compose(v -> resumedAwaiting.future())
        .compose(d -> {
          assertThat(d.getString("id")).isEqualTo(id[0]);
          assertThat(d.getString("incidentId")).isEqualTo(before[0].getString("incidentId"));
          assertThat(d.getJsonObject("awaitingApproval")).isEqualTo(before[0].getJsonObject("awaitingApproval"));
          assertThat(d.getDouble("drillTime")).isEqualTo(before[0].getDouble("drillTime"));
          assertThat(next.messages()).anyMatch(m -> Addresses.INCIDENTS.equals(m.address()) && "left-open-inc".equals(m.key()));
          assertThat(next.messages()).anyMatch(m -> Addresses.INCIDENTS.equals(m.address())
              && before[0].getString("incidentId").equals(m.key()));
          return vertx.eventBus().<JsonObject>request(Addresses.CONTROL_DRILLS, new JsonObject().put("action", "approve")
              .put("drillId", id[0]).put("roundId", d.getJsonObject("awaitingApproval").getString("roundId")));
        })
        .compose(v -> {
          Promise<Void> done = Promise.promise();
          next.listen(m -> {
            if (Addresses.DRILLS.equals(m.address()) && id[0].equals(m.key())
                && "completed".equals(m.body().getString("state"))) {
              done.tryComplete();
            }
          });
          return done.future();
        })
        .compose(v -> query(vertx, new JsonObject().put("op", "report").put("id", id[0])))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          assertThat(report.getJsonObject("outcome").getBoolean("resolved")).isTrue();
          assertThat(report.getJsonObject("incident").getString("id")).isEqualTo(before[0].getString("incidentId"));
          ctx.completeNow();
        })));
  }
}
