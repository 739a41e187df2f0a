package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
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

/** Controls and queries: bad input gets a code and changes nothing; valid controls move the drill. */
@ExtendWith(VertxExtension.class)
class DrillControlTest {

  /** Expects a failed reply with {@code code}; then checks the drill (if any) did not change. */
  private static Future<Void> refused(EngineHarness h, Object body, ErrorCodes code, String drillId) {
    Future<JsonObject> before = drillId == null ? Future.succeededFuture(null)
        : h.query(new JsonObject().put("op", "drill").put("id", drillId));
    return before.compose(b -> h.vertx.eventBus().request(Addresses.CONTROL_DRILLS, body)
        .transform(ar -> {
          assertThat(ar.failed()).as("refused: " + body).isTrue();
          ReplyException e = (ReplyException) ar.cause();
          assertThat(e.failureCode()).as(String.valueOf(body)).isEqualTo(code.status());
          assertThat(e.getMessage()).startsWith(code.code() + ":");
          return Future.succeededFuture(b);
        }))
        .compose(b -> b == null ? Future.succeededFuture()
            : h.query(new JsonObject().put("op", "drill").put("id", drillId)).map(after -> {
              assertThat(after.getString("state")).isEqualTo(b.getString("state"));
              assertThat(after.getString("phase")).isEqualTo(b.getString("phase"));
              assertThat(after.getValue("awaitingApproval")).isEqualTo(b.getValue("awaitingApproval"));
              return null;
            }));
  }

  private static Future<JsonObject> awaitPhase(EngineHarness h, String drillId, String phase) {
    Promise<JsonObject> p = Promise.promise();
    h.publisher.listen(m -> {
      if (Addresses.DRILLS.equals(m.address()) && drillId.equals(m.key()) && phase.equals(m.body().getString("phase"))) {
        p.tryComplete(m.body());
      }
    });
    return p.future();
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void badControlsAreRefusedWithACode(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    h.deploy()
        .compose(v -> refused(h, "not json", ErrorCodes.INVALID_JSON, null))
        .compose(v -> refused(h, new JsonObject(), ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, new JsonObject().put("action", "explode"), ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, EngineHarness.start("no_such_scenario", 1, 60), ErrorCodes.UNKNOWN_SCENARIO, null))
        .compose(v -> refused(h, EngineHarness.start("database_cascade", 1, 0), ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, EngineHarness.start("database_cascade", 1, 5000), ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, EngineHarness.start("database_cascade", 1, 60).put("speed", "fast"),
            ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, EngineHarness.start("database_cascade", 1, 60).put("seed", 1.5),
            ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, EngineHarness.start("database_cascade", 1, 60).put("policy", "yolo"),
            ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, new JsonObject().put("action", "pause"), ErrorCodes.INVALID_REQUEST, null))
        .compose(v -> refused(h, new JsonObject().put("action", "pause").put("drillId", "nope"), ErrorCodes.NOT_FOUND, null))
        .compose(v -> h.query(new JsonObject().put("op", "drills")))
        .onComplete(ctx.succeeding(drills -> ctx.verify(() -> {
          assertThat(drills.getJsonArray("drills")).as("no drill was started by a refused request").isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void controlsFollowTheDrillState(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    String[] id = new String[1];
    String[] round = new String[1];
    h.deploy()
        // policy wait: a round that needs approval stays open until an operator decides
        .compose(v -> h.control(EngineHarness.start("database_cascade", 7, 600).put("policy", "wait")))
        .compose(d -> {
          id[0] = d.getString("id");
          assertThat(d.getString("state")).isEqualTo("running");
          Future<JsonObject> awaiting = awaitPhase(h, id[0], "awaiting_approval");
          return refused(h, new JsonObject().put("action", "resume").put("drillId", id[0]), ErrorCodes.INVALID_STATE, null)
              .compose(x -> refused(h, new JsonObject().put("action", "inject_fault").put("drillId", id[0])
                  .put("agent", "janitor").put("fault", "crash"), ErrorCodes.INVALID_REQUEST, null))
              .compose(x -> refused(h, new JsonObject().put("action", "inject_fault").put("drillId", id[0])
                  .put("agent", "diagnosis").put("fault", "sneeze"), ErrorCodes.INVALID_REQUEST, null))
              .compose(x -> refused(h, new JsonObject().put("action", "speed").put("drillId", id[0]).put("speed", -3),
                  ErrorCodes.INVALID_REQUEST, null))
              .compose(x -> h.control(new JsonObject().put("action", "inject_fault").put("drillId", id[0])
                  .put("agent", "diagnosis").put("fault", "byzantine").put("mode", "no_evidence")))
              .compose(x -> awaiting);
        })
        .compose(d -> {
          round[0] = d.getJsonObject("awaitingApproval").getString("roundId");
          return refused(h, new JsonObject().put("action", "approve").put("drillId", id[0]), ErrorCodes.INVALID_REQUEST, id[0])
              .compose(x -> refused(h, new JsonObject().put("action", "approve").put("drillId", id[0])
                  .put("roundId", "other-round"), ErrorCodes.INVALID_STATE, id[0]))
              .compose(x -> h.control(new JsonObject().put("action", "pause").put("drillId", id[0])))
              .compose(p -> {
                assertThat(p.getString("state")).isEqualTo("paused");
                return refused(h, new JsonObject().put("action", "pause").put("drillId", id[0]), ErrorCodes.INVALID_STATE, id[0]);
              })
              .compose(x -> refused(h, new JsonObject().put("action", "approve").put("drillId", id[0])
                  .put("roundId", round[0]), ErrorCodes.INVALID_STATE, id[0]))
              .compose(x -> h.control(new JsonObject().put("action", "resume").put("drillId", id[0])))
              .compose(x -> h.control(new JsonObject().put("action", "approve").put("drillId", id[0]).put("roundId", round[0])));
        })
        .compose(d -> {
          assertThat(d.getValue("awaitingApproval")).isNull();
          assertThat(d.getJsonObject("incident").getString("status")).isEqualTo("resolving");
          // approve twice
          return refused(h, new JsonObject().put("action", "approve").put("drillId", id[0]).put("roundId", round[0]),
              ErrorCodes.INVALID_STATE, id[0]);
        })
        .compose(x -> h.control(new JsonObject().put("action", "speed").put("drillId", id[0]).put("speed", 900)))
        .compose(d -> {
          assertThat(d.getDouble("speed")).isEqualTo(900.0);
          return h.control(new JsonObject().put("action", "stop").put("drillId", id[0]));
        })
        .compose(d -> {
          assertThat(d.getString("state")).isEqualTo("stopped");
          return refused(h, new JsonObject().put("action", "resume").put("drillId", id[0]), ErrorCodes.INVALID_STATE, id[0]);
        })
        .compose(x -> h.query(new JsonObject().put("op", "report").put("id", id[0])))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          JsonObject r1 = report.getJsonArray("consensusRounds").getJsonObject(0);
          assertThat(r1.getString("decision")).isEqualTo("approved");
          assertThat(r1.getString("decidedBy")).isEqualTo("operator");
          assertThat(report.getJsonObject("outcome").getString("state")).isEqualTo("stopped");
          assertThat(report.getJsonObject("outcome").getBoolean("humanDecision")).isTrue();
          assertThat(report.getJsonObject("incident").getString("status")).isEqualTo("closed");
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void queriesAnswerOrFailWithACode(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    h.deploy()
        .compose(v -> h.query(new JsonObject().put("op", "scenarios")))
        .compose(s -> {
          assertThat(s.getJsonArray("scenarios")).hasSize(5);
          assertThat(s.getJsonArray("scenarios").getJsonObject(0).getDouble("costPerMinute")).isEqualTo(13_000.0);
          return h.query(new JsonObject().put("op", "summary"));
        })
        .compose(s -> {
          assertThat(s.getInteger("incidentsHandled")).isZero();
          assertThat(s.getDouble("costAvoided")).isZero();
          return h.vertx.eventBus().request(Addresses.INTERNAL_ENGINE_QUERY, new JsonObject().put("op", "report")
              .put("id", "../../etc/passwd")).transform(ar -> {
                assertThat(((ReplyException) ar.cause()).failureCode()).isEqualTo(404);
                return h.vertx.eventBus().request(Addresses.INTERNAL_ENGINE_QUERY, new JsonObject().put("op", "nope"));
              }).transform(ar -> {
                assertThat(((ReplyException) ar.cause()).failureCode()).isEqualTo(400);
                return h.vertx.eventBus().request(Addresses.INTERNAL_ENGINE_QUERY, "[]");
              }).transform(ar -> {
                assertThat(ar.cause().getMessage()).startsWith("invalid_json");
                return h.query(new JsonObject().put("op", "recorded"));
              });
        })
        .onComplete(ctx.succeeding(rec -> ctx.verify(() -> {
          assertThat(rec.getJsonArray("runs")).isNotNull();
          assertThat(h.publisher.messages()).anyMatch(m -> Addresses.METRICS_BUSINESS.equals(m.address())
              && "business".equals(m.key()) && m.body().getJsonObject("overall").getInteger("incidents") == 0);
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void theNumberOfActiveDrillsIsBounded(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    java.util.List<String> ids = new java.util.ArrayList<>();
    Future<Void> chain = h.deploy();
    for (int i = 0; i < DomainEngineVerticle.MAX_ACTIVE_DRILLS; i++) {
      long seed = i;
      chain = chain.compose(v -> h.control(EngineHarness.start("memory_leak", seed, 1)).map(d -> {
        ids.add(d.getString("id"));
        return null;
      }));
    }
    chain.compose(v -> refused(h, EngineHarness.start("memory_leak", 99, 1), ErrorCodes.RATE_LIMITED, null))
        .compose(v -> h.control(new JsonObject().put("action", "stop").put("drillId", ids.get(0))))
        // one stopped: there is room again
        .compose(v -> h.control(EngineHarness.start("memory_leak", 99, 1)))
        .compose(d -> {
          ids.add(d.getString("id"));
          Future<Void> stops = Future.succeededFuture();
          for (String id : ids.subList(1, ids.size())) {
            stops = stops.compose(x -> h.control(new JsonObject().put("action", "stop").put("drillId", id)).mapEmpty());
          }
          return stops;
        })
        .compose(v -> {
          // every stopped drill wrote its report (and nothing writes into the temporary folder after the test)
          Future<Void> reports = Future.succeededFuture();
          for (String id : ids) {
            reports = reports.compose(x -> h.query(new JsonObject().put("op", "report").put("id", id)).map(r -> {
              assertThat(r.getJsonObject("outcome").getString("state")).isEqualTo("stopped");
              return null;
            }));
          }
          return reports;
        })
        .compose(v -> h.query(new JsonObject().put("op", "drills")))
        .onComplete(ctx.succeeding(drills -> ctx.verify(() -> {
          assertThat(drills.getInteger("active")).isZero();
          assertThat(drills.getJsonArray("drills")).hasSize(DomainEngineVerticle.MAX_ACTIVE_DRILLS + 1);
          ctx.completeNow();
        })));
  }
}
