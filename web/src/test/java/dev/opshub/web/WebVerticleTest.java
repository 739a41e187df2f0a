package dev.opshub.web;

import dev.opshub.contract.MapNames;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class WebVerticleTest {

  private WebVerticle verticle;
  private WebClient client;

  static JsonObject config() {
    return new JsonObject()
        .put("host", "127.0.0.1")
        .put("httpPort", 0)
        .put("nodeId", "n-test")
        .put("roles", new JsonArray().add("web"))
        .put("operatorToken", "secret")
        .put("streams", new JsonArray()
            .add(new JsonObject().put("address", "ops.agents.state").put("kind", "state"))
            .add(new JsonObject().put("address", "ops.health").put("kind", "state")));
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).put("members",
        new JsonArray().add(new JsonObject().put("nodeId", "n-test").put("roles", "web").put("self", true))
            .add(new JsonObject().put("nodeId", "n-other").put("roles", "agents,engine").put("self", false)).encode());
    vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).put("clustered", "true");
    verticle = new WebVerticle();
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config()))
        .onComplete(ctx.succeeding(id -> {
          client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(verticle.actualPort()).setFollowRedirects(false));
          ctx.completeNow();
        }));
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void healthNamesTheNodeItsRolesAndTheClusterMembers(VertxTestContext ctx) {
    client.get("/health").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(200);
      JsonObject body = res.bodyAsJsonObject();
      assertThat(body.getString("nodeId")).isEqualTo("n-test");
      assertThat(body.getJsonArray("roles").getList()).containsExactly("web");
      assertThat(body.getBoolean("clustered")).isTrue();
      assertThat(body.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("nodeId")))
          .containsExactly("n-test", "n-other");
      assertThat(body.getJsonObject("bridge").getInteger("connections")).isZero();
      ctx.completeNow();
    })));
  }

  @Test
  void theOriginsOfTheFailoverNodesMayOpenTheBridge(Vertx vertx, VertxTestContext ctx) {
    WebVerticle node = new WebVerticle();
    vertx.deployVerticle(node, new DeploymentOptions().setConfig(config()
            .put("nodes", new JsonArray().add("http://ops-a.example:8080").add("https://ops-b.example/"))))
        .compose(id -> {
          WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(node.actualPort()));
          return Future.all(List.of("http://ops-a.example:8080", "https://ops-b.example", "https://evil.example")
              .stream().map(origin -> web.post("/eventbus/000/" + Math.abs(origin.hashCode()) + "/xhr")
                  .putHeader("Origin", origin).send().map(r -> r.statusCode())).toList());
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<Integer>list()).containsExactly(200, 200, 403);
          ctx.completeNow();
        })));
  }

  @Test
  void readyOnceListeningAndNotAfterUndeploy(Vertx vertx, VertxTestContext ctx) {
    client.get("/ready").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.bodyAsJsonObject().getBoolean("ready")).isTrue();
      vertx.undeploy(verticle.deploymentID()).onComplete(ctx.succeeding(v -> client.get("/ready").send()
          .onComplete(ar -> ctx.verify(() -> {
            // the server is closed: the request fails, it never answers ready
            assertThat(ar.failed() || ar.result().statusCode() == 503).isTrue();
            ctx.completeNow();
          }))));
    })));
  }

  @Test
  void aDrainingNodeSaysSoOnReadyKeepsItsClientsAndSessionsThenClosesThem(Vertx vertx, VertxTestContext ctx) {
    WebVerticle node = new WebVerticle();
    List<String> frames = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(node, new DeploymentOptions().setConfig(config().put("drainMs", 4_000)))
        .compose(id -> openSession(vertx, node.actualPort(), "/eventbus/1/drain1/websocket", frames))
        .compose(v -> {
          Future<Void> drained = node.drain();
          WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(node.actualPort()));
          return web.get("/ready").send().compose(ready -> {
            ctx.verify(() -> {
              assertThat(ready.statusCode()).isEqualTo(503);
              assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("draining");
              assertThat(ready.bodyAsJsonObject().getBoolean("ready")).isFalse();
              assertThat(frames).as("the client is still connected while the node drains").doesNotContain(CLOSED);
            });
            // a session that arrives during the drain is still served (the balancer stops sending them)
            return openSession(vertx, node.actualPort(), "/eventbus/1/drain2/websocket", new CopyOnWriteArrayList<>());
          }).compose(v2 -> drained).compose(v2 -> web.get("/ready").send());
        })
        .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
          assertThat(frames).as("told to reconnect elsewhere once the drain was over").contains(CLOSED);
          assertThat(ready.statusCode()).isEqualTo(503);
          assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("stopped");
          ctx.completeNow();
        })));
  }

  private static final String CLOSED = "c[4000,\"node_shutdown\"]";

  /** A SockJS WebSocket session whose frames go to {@code frames}; completes on its open frame. */
  private static Future<Void> openSession(Vertx vertx, int port, String uri, List<String> frames) {
    Promise<Void> open = Promise.promise();
    vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
        .onFailure(open::tryFail)
        .onSuccess(ws -> ws.textMessageHandler(t -> {
          frames.add(t);
          if (t.equals("o")) {
            open.tryComplete();
          }
        }));
    return open.future();
  }

  @Test
  void withoutNodesTheConfigListsNoneAndReflectsNothingOfTheRequest(VertxTestContext ctx) {
    client.get("/api/config").putHeader("Host", "evil.example").putHeader("X-Forwarded-Proto", "https").send()
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertThat(res.statusCode()).isEqualTo(200);
          assertThat(res.bodyAsJsonObject().getJsonArray("nodes").getList()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void aRequestTargetThatIsNotAPathOrHasABadEscapeGets400() throws Exception {
    for (String target : List.of("*", "../../etc/passwd", "host:22", "/%u002e%u002e/etc", "/api/%zz", "/ops%")) {
      try (Socket socket = new Socket("127.0.0.1", verticle.actualPort())) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.US_ASCII)).readLine();
        assertThat(status).as(target).isEqualTo("HTTP/1.1 400 Bad Request");
      }
    }
    assertThat(WebRoutes.isPathTarget("/eventbus/000/abc/xhr?x=%2F")).isTrue();
  }

  @Test
  void aSilentConnectionAndOneStoppedHalfwayThroughARequestAreClosedAfterTheIdleTimeout(Vertx vertx) throws Exception {
    WebVerticle node = new WebVerticle();
    vertx.deployVerticle(node, new DeploymentOptions().setConfig(config().put("idleTimeoutMs", 300)))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Socket silent = new Socket("127.0.0.1", node.actualPort());
         Socket halfway = new Socket("127.0.0.1", node.actualPort())) {
      silent.setSoTimeout(5_000);
      halfway.setSoTimeout(5_000);
      halfway.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      // the server closes both within the 5 s read timeout: read() then ends the stream instead of throwing
      assertThat(silent.getInputStream().read()).as("a connection that sent nothing").isEqualTo(-1);
      assertThat(halfway.getInputStream().read()).as("a request whose headers never ended").isEqualTo(-1);
    }
  }

  @Test
  void metricsInPrometheusText(VertxTestContext ctx) {
    client.get("/metrics").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.getHeader("Content-Type")).startsWith("text/plain");
      assertThat(res.bodyAsString()).contains("opshub_bridge_connections");
      ctx.completeNow();
    })));
  }

  @Test
  void dashboardsAndTheirScriptsAreServed(VertxTestContext ctx) {
    var checks = ctx.checkpoint(8);
    expectPage(ctx, checks, "/ops", "text/html", "/js/ops.js");
    expectPage(ctx, checks, "/demo", "text/html", "/js/demo.js");
    expectPage(ctx, checks, "/transparency", "text/html", "/js/transparency.js");
    expectPage(ctx, checks, "/js/eventbus.js", "javascript", "export class OpsBus");
    expectPage(ctx, checks, "/css/opshub.css", "text/css", ":root");
    expectPage(ctx, checks, "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js", "javascript", "SockJS");
    expectPage(ctx, checks, "/webjars/uplot/1.6.30/dist/uPlot.esm.js", "javascript", "export");
    client.get("/").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(302);
      assertThat(res.getHeader("Location")).isEqualTo("/ops");
      checks.flag();
    })));
  }

  @Test
  void bridgeConnectionsSpreadOverTheHttpServerInstances(Vertx vertx, VertxTestContext ctx) {
    WebVerticle other = new WebVerticle();
    vertx.deployVerticle(other, new DeploymentOptions().setConfig(config().put("webInstances", 3)))
        .compose(id -> {
          WebSocketClient wsClient = vertx.createWebSocketClient();
          Future<Void> opened = Future.succeededFuture();
          for (int i = 0; i < 6; i++) {
            String uri = "/eventbus/1/s" + i + "/websocket";
            opened = opened.compose(v -> {
              Promise<Void> open = Promise.promise();
              wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(other.actualPort()).setURI(uri))
                  .onFailure(open::tryFail)
                  .onSuccess(ws -> ws.textMessageHandler(t -> {
                    if (t.equals("o")) {
                      open.tryComplete();
                    }
                  }));
              return open.future();
            });
          }
          return opened;
        })
        .compose(all -> WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(other.actualPort())).get("/health").send())
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          JsonObject bridge = res.bodyAsJsonObject().getJsonObject("bridge");
          assertThat(bridge.getInteger("connections")).isEqualTo(6);
          // connections are handed round-robin to the three servers, each on its own event-loop context
          assertThat(bridge.getInteger("eventLoops")).isGreaterThanOrEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void bridgeInfoIsServedAndAllowsOnlyTheConfiguredOrigins(Vertx vertx, VertxTestContext ctx) {
    WebVerticle other = new WebVerticle();
    JsonObject config = config().put("allowedOrigins", new JsonArray().add("http://127.0.0.1:8081"));
    vertx.deployVerticle(other, new DeploymentOptions().setConfig(config)).onComplete(ctx.succeeding(id -> {
      WebClient c = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(other.actualPort()));
      var checks = ctx.checkpoint(2);
      c.get("/eventbus/info").putHeader("Origin", "http://127.0.0.1:8081").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.bodyAsJsonObject().getBoolean("websocket")).isTrue();
        assertThat(res.getHeader("Access-Control-Allow-Origin")).isEqualTo("http://127.0.0.1:8081");
        assertThat(res.getHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
        checks.flag();
      })));
      c.get("/eventbus/info").putHeader("Origin", "http://evil.example").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
        assertThat(res.getHeader("Access-Control-Allow-Origin")).isNull();
        checks.flag();
      })));
    }));
  }

  @Test
  void unknownPathIs404(VertxTestContext ctx) {
    client.get("/js/../../etc/passwd").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertThat(res.statusCode()).isEqualTo(404);
      ctx.completeNow();
    })));
  }

  private void expectPage(VertxTestContext ctx, io.vertx.junit5.Checkpoint check, String path, String type, String text) {
    client.get(path).send().onComplete(ctx.succeeding((HttpResponse<Buffer> res) -> ctx.verify(() -> {
      assertThat(res.statusCode()).as(path).isEqualTo(200);
      assertThat(res.getHeader("Content-Type")).as(path).contains(type);
      assertThat(res.bodyAsString()).as(path).contains(text);
      check.flag();
    })));
  }
}
