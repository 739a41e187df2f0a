package dev.opshub.web.api;

import dev.opshub.contract.Addresses;
import dev.opshub.web.WebVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST gateway through a real web verticle; the engine side is a test consumer on the bus. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class ApiRouterTest {

  private static final String TOKEN = "op-secret";

  private WebClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    WebVerticle verticle = new WebVerticle();
    JsonObject config = new JsonObject()
        .put("host", "127.0.0.1").put("httpPort", 0).put("nodeId", "n-api")
        .put("operatorToken", TOKEN)
        .put("requestTimeoutMs", 400)
        .put("bodyLimitBytes", 1024)
        .put("nodes", new JsonArray().add("http://127.0.0.1:1").add("http://127.0.0.1:2"));
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).onComplete(ctx.succeeding(id -> {
      client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
      ctx.completeNow();
    }));
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private HttpRequest<Buffer> post(String path, String token) {
    HttpRequest<Buffer> request = client.post(path).putHeader("Content-Type", "application/json");
    return token == null ? request : request.putHeader("Authorization", "Bearer " + token);
  }

  private static void assertError(HttpResponse<Buffer> res, int status, String code) {
    assertThat(res.statusCode()).isEqualTo(status);
    assertThat(res.getHeader("Content-Type")).contains("application/json");
    assertThat(res.bodyAsJsonObject().getString("error")).isEqualTo(code);
    assertThat(res.bodyAsJsonObject().getString("message")).isNotBlank();
  }

  @Test
  void postWithoutOrWithWrongTokenIs401AndNeverReachesTheEngine(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().consumer(Addresses.CONTROL_DRILLS, msg -> ctx.failNow("the engine was reached without a token"));
    var done = ctx.checkpoint(3);
    post("/api/drills", null).sendBuffer(Buffer.buffer("{\"scenario\":\"database_cascade\"}"))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 401, "unauthorized"); done.flag(); })));
    post("/api/drills", "wrong").sendBuffer(Buffer.buffer("{\"scenario\":\"database_cascade\"}"))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 401, "unauthorized"); done.flag(); })));
    client.post("/api/drills/d1/stop").putHeader("Authorization", "Basic " + TOKEN).send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 401, "unauthorized"); done.flag(); })));
  }

  @Test
  void invalidJsonIs400(VertxTestContext ctx) {
    var done = ctx.checkpoint(2);
    post("/api/drills", TOKEN).sendBuffer(Buffer.buffer("{\"scenario\":"))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 400, "invalid_json"); done.flag(); })));
    post("/api/drills", TOKEN).sendBuffer(Buffer.buffer("[1,2]"))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 400, "invalid_json"); done.flag(); })));
  }

  @Test
  void bodyOverTheLimitIs413(VertxTestContext ctx) {
    String big = "{\"pad\":\"" + "x".repeat(4096) + "\"}";
    post("/api/drills", TOKEN).sendBuffer(Buffer.buffer(big))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 413, "too_large"); ctx.completeNow(); })));
  }

  @Test
  void noEngineIs503(VertxTestContext ctx) {
    var done = ctx.checkpoint(2);
    client.get("/api/summary").send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 503, "no_engine"); done.flag(); })));
    post("/api/drills", TOKEN).sendBuffer(Buffer.buffer("{\"scenario\":\"database_cascade\"}"))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 503, "no_engine"); done.flag(); })));
  }

  @Test
  void anEngineThatDoesNotAnswerIs503WithRetryAfterWithinTheTimeout(Vertx vertx, VertxTestContext ctx) {
    // a dead engine's registration still routes requests to it until the cluster notices: no hang, no 504
    vertx.eventBus().consumer(Addresses.INTERNAL_ENGINE_QUERY, msg -> { /* never replies */ });
    client.get("/api/drills").send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertError(res, 503, "no_engine");
          assertThat(res.getHeader("Retry-After")).isEqualTo("1");
          ctx.completeNow();
        })));
  }

  @Test
  void startIsForwardedWithItsBodyAndTheReplyReturned(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer(Addresses.CONTROL_DRILLS, msg -> {
      JsonObject body = msg.body();
      msg.reply(new JsonObject().put("drillId", "d-7").put("status", "running")
          .put("scenario", body.getString("scenario")).put("seed", body.getInteger("seed")).put("action", body.getString("action"))
          .put("requestKey", body.getString("requestKey")));
    });
    post("/api/drills", TOKEN).putHeader("Idempotency-Key", "start-7")
        .sendJsonObject(new JsonObject().put("scenario", "ddos_attack").put("seed", 7).put("speed", 30))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertThat(res.statusCode()).isEqualTo(201);
          JsonObject body = res.bodyAsJsonObject();
          assertThat(body.getString("drillId")).isEqualTo("d-7");
          assertThat(body.getString("scenario")).isEqualTo("ddos_attack");
          assertThat(body.getInteger("seed")).isEqualTo(7);
          assertThat(body.getString("action")).isEqualTo("start");
          assertThat(body.getString("requestKey")).as("the Idempotency-Key header").isEqualTo("start-7");
          ctx.completeNow();
        })));
  }

  @Test
  void drillActionCarriesTheDrillIdAndFailedRepliesMapToStatusAndCode(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer(Addresses.CONTROL_DRILLS, msg -> {
      JsonObject body = msg.body();
      if ("resume".equals(body.getString("action")) && "d-1".equals(body.getString("drillId"))) {
        msg.fail(409, "invalid_state: drill d-1 is finished");
      } else {
        msg.fail(500, "unexpected " + body.encode());
      }
    });
    var done = ctx.checkpoint(2);
    post("/api/drills/d-1/resume", TOKEN).send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertError(res, 409, "invalid_state");
      assertThat(res.bodyAsJsonObject().getString("message")).isEqualTo("drill d-1 is finished");
      done.flag();
    })));
    post("/api/drills/d-1/explode", TOKEN).send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> { assertError(res, 404, "not_found"); done.flag(); })));
  }

  @Test
  void queriesGoToTheEngineWithTheirOp(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_ENGINE_QUERY, msg -> {
      JsonObject q = msg.body();
      switch (q.getString("op")) {
        case "scenarios" -> msg.reply(new JsonArray().add(new JsonObject().put("id", "database_cascade")));
        case "report" -> msg.reply(new JsonObject().put("drillId", q.getString("id")));
        case "recorded_run" -> msg.fail(404, "not_found: no recorded run " + q.getString("id"));
        default -> msg.fail(400, "invalid_request: op " + q.getString("op"));
      }
    });
    var done = ctx.checkpoint(3);
    client.get("/api/scenarios").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.bodyAsJsonArray().getJsonObject(0).getString("id")).isEqualTo("database_cascade");
      done.flag();
    })));
    client.get("/api/drills/d-9/report").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.bodyAsJsonObject().getString("drillId")).isEqualTo("d-9");
      done.flag();
    })));
    client.get("/api/recorded/zzz").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertError(res, 404, "not_found");
      assertThat(res.bodyAsJsonObject().getString("message")).isEqualTo("no recorded run zzz");
      done.flag();
    })));
  }

  @Test
  void configListsTheNodesForFailover(VertxTestContext ctx) {
    client.get("/api/config").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.bodyAsJsonObject().getJsonArray("nodes").getList())
          .containsExactly("http://127.0.0.1:1", "http://127.0.0.1:2");
      ctx.completeNow();
    })));
  }
}
