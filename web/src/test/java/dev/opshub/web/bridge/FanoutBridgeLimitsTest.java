package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each limit answers with its code (or a close reason) and the node keeps serving. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FanoutBridgeLimitsTest {

  private static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  @Test
  void oversized_frames_and_messages_get_too_large(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setMaxFrameSize(2_000).setMaxMessageSize(500)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.sendRaw("[\"" + "x".repeat(3_000) + "\"]");
    client.send(new JsonObject().put("type", "send").put("address", "ops.ping").put("body", "y".repeat(800)));
    await(client.waitForErrors(2));
    assertThat(client.errors()).extracting(e -> e.getString("code")).containsExactly("too_large", "too_large");
    assertThat(client.errors().get(0).getInteger("failureCode")).isEqualTo(413);
    client.sync();
    assertThat(client.socketClosed).isFalse();
  }

  @Test
  void too_many_inbound_messages_get_rate_limited(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setMaxInboundPerSecond(5)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    JsonObject[] pings = new JsonObject[12];
    java.util.Arrays.fill(pings, ping());
    client.send(pings);
    await(client.waitFor(c -> c.count("pong") + c.errors().size() >= 12));
    assertThat(client.count("pong")).isBetween(5L, 6L);
    assertThat(client.errors()).isNotEmpty().allMatch(e -> "rate_limited".equals(e.getString("code")));
    assertThat(client.socketClosed).isFalse();
  }

  @Test
  void a_flood_far_over_the_rate_is_closed(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setMaxInboundPerSecond(2)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    JsonObject[] pings = new JsonObject[40];
    java.util.Arrays.fill(pings, ping());
    client.send(pings);
    await(client.waitFor(c -> c.closeFrame != null));
    assertThat(client.closeFrame).isEqualTo("c[4004,\"rate_limited\"]");
  }

  @Test
  void subscriptions_beyond_the_limit_get_max_subscriptions(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setMaxSubscriptions(2)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register("ops.a");
    client.register("ops.b");
    client.register("ops.c");
    assertThat(client.errors()).singleElement().satisfies(e -> {
      assertThat(e.getString("code")).isEqualTo("max_subscriptions");
      assertThat(e.getString("address")).isEqualTo("ops.c");
    });
    client.send(new JsonObject().put("type", "unregister").put("address", "ops.a"));
    client.register("ops.c");
    assertThat(client.errors()).hasSize(1);
  }

  @Test
  void connections_beyond_the_limit_are_refused_with_a_close_reason(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setMaxConnections(2)));
    SockJsClient a = SockJsClient.open(vertx, node.port());
    SockJsClient b = SockJsClient.open(vertx, node.port());
    SockJsClient c = await(SockJsClient.connect(vertx, node.port()));
    await(c.waitFor(x -> x.closeFrame != null));
    assertThat(c.closeFrame).isEqualTo("c[4001,\"too_many_connections\"]");
    assertThat(c.opened).isFalse();
    a.sync();
    b.sync();
    assertThat(node.bridge.connections()).isEqualTo(2);
    a.ws.close();
    // the slot of a is free again once the server saw it close
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> node.bridge.connections() == 1);
    SockJsClient d = SockJsClient.open(vertx, node.port());
    assertThat(d.opened).isTrue();
    assertThat(node.registry.find("opshub.bridge.closes").tag("reason", "too_many_connections").counter().count()).isEqualTo(1.0);
  }

  @Test
  void a_silent_connection_gets_heartbeats_then_is_closed_by_the_ping_timeout(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setHeartbeatInterval(100).setPingTimeout(600)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register("ops.health");
    assertThat(node.gauge("opshub.bridge.subscriptions")).isEqualTo(1.0);
    await(client.waitFor(c -> c.closeFrame != null));
    assertThat(client.heartbeats).isPositive();
    assertThat(client.closeFrame).isEqualTo("c[4003,\"ping_timeout\"]");
    await(client.waitFor(c -> c.socketClosed));
    assertThat(node.bridge.connections()).isZero();
    assertThat(node.gauge("opshub.bridge.connections")).isZero();
    assertThat(node.registry.find("opshub.bridge.subscriptions").gauge()).isNull();
  }

  @Test
  void a_pinging_connection_stays_open(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setHeartbeatInterval(100).setPingTimeout(400)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    long timer = vertx.setPeriodic(100, t -> client.send(ping()));
    await(client.waitFor(c -> c.count("pong") >= 12));
    vertx.cancelTimer(timer);
    assertThat(client.closeFrame).isNull();
    assertThat(node.bridge.connections()).isEqualTo(1);
  }

  @Test
  void cross_site_origins_are_refused(Vertx vertx) throws Exception {
    BridgeServer local = await(BridgeServer.deploy(vertx, new BridgeOptions()));
    assertRefused(vertx, local.port(), "https://evil.example");
    assertRefused(vertx, local.port(), "null");
    // another local port is another site (any local program's page): only the node's own origin passes unlisted
    assertRefused(vertx, local.port(), "http://localhost:3000");
    await(SockJsClient.connect(vertx, local.port(), "http://127.0.0.1:" + local.port(), new WebSocketClientOptions()));

    BridgeServer listed = await(BridgeServer.deploy(vertx, new BridgeOptions().setAllowedOrigins(List.of("https://ops.example.com"))));
    assertRefused(vertx, listed.port(), "https://evil.example");
    assertRefused(vertx, listed.port(), "http://localhost:3000");
    await(SockJsClient.connect(vertx, listed.port(), "https://ops.example.com", new WebSocketClientOptions()));
    assertThat(local.registry.find("opshub.bridge.closes").tag("reason", "origin_refused").counter().count()).isEqualTo(3.0);
  }

  private static void assertRefused(Vertx vertx, int port, String origin) {
    assertThatThrownBy(() -> await(SockJsClient.connect(vertx, port, origin, new WebSocketClientOptions())))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(UpgradeRejectedException.class)
        .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(403));
  }

  @Test
  void shutdown_tells_every_client_to_reconnect_elsewhere(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of("ops.health"))));
    SockJsClient a = SockJsClient.open(vertx, node.port());
    SockJsClient b = SockJsClient.open(vertx, node.port());
    a.register("ops.health");
    await(node.bridge.shutdown("node_draining"));
    for (SockJsClient c : List.of(a, b)) {
      await(c.waitFor(x -> x.closeFrame != null));
      assertThat(c.closeFrame).isEqualTo("c[4000,\"node_draining\"]");
    }
    assertThat(node.bridge.connections()).isZero();
    assertThatThrownBy(() -> await(SockJsClient.connect(vertx, node.port()))).isInstanceOf(ExecutionException.class);
  }
}
