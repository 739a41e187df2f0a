package dev.opshub.web;

import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.QuorumStatus;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gauge {@code opshub_node_ready} of a node's {@code /metrics} says what its {@code /ready} answers. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class NodeReadyGaugeTest {

  @Test
  void readyGaugeFollowsTheQuorum(Vertx vertx, VertxTestContext ctx) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    JsonObject config = new JsonObject().put("host", "127.0.0.1").put("httpPort", port).put("nodeId", "n-ready")
        .put("roles", new JsonArray().add("engine"));
    WebClient client = WebClient.create(vertx);
    vertx.deployVerticle(new HealthServerVerticle(), new DeploymentOptions().setConfig(config))
        .compose(id -> client.get(port, "127.0.0.1", "/metrics").send())
        .compose(metrics -> {
          ctx.verify(() -> assertThat(metrics.bodyAsString()).contains("opshub_node_ready 1.0"));
          vertx.sharedData().<String, String>getLocalMap(MapNames.NODE)
              .put(NodeLocalMap.QUORUM, new QuorumStatus(2, false, 1).toJson().encode());
          return client.get(port, "127.0.0.1", "/ready").send();
        })
        .compose(ready -> {
          ctx.verify(() -> assertThat(ready.statusCode()).isEqualTo(503));
          return client.get(port, "127.0.0.1", "/metrics").send();
        })
        .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
          assertThat(metrics.bodyAsString()).contains("opshub_node_ready 0.0");
          ctx.completeNow();
        })));
  }
}
