package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Deny by default, refusals as err frames, malformed input never closes the connection. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FanoutBridgePermissionsTest {

  private static final String TOKEN = "s3cret-token";
  private BridgeServer node;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    node = await(BridgeServer.deploy(vertx, new BridgeOptions().setNodeId("n-test").setOperatorToken(TOKEN)
        .setStreams(List.of("ops.agents.state"))));
  }

  @Test
  void info_and_open_frame(Vertx vertx) throws Exception {
    var body = await(vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET, node.port(), "127.0.0.1", "/eventbus/info")
        .compose(r -> r.send()).compose(r -> r.body()));
    assertThat(body.toJsonObject().getBoolean("websocket")).isTrue();
    SockJsClient client = SockJsClient.open(vertx, node.port());
    assertThat(client.opened).isTrue();
    assertThat(node.bridge.connections()).isEqualTo(1);
  }

  @Test
  void registered_client_receives_ops_messages_with_headers(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register("ops.agents.state");
    Streams stream = new Streams(vertx, "ops.agents.state", 7);
    await(stream.publish("diagnosis", new JsonObject().put("state", "analyzing")));
    await(client.waitForReceived("ops.agents.state", 1));
    JsonObject rec = client.received("ops.agents.state").get(0);
    assertThat(rec.getJsonObject("headers").getString("epoch")).isEqualTo("7");
    assertThat(rec.getJsonObject("headers").getString("offset")).isEqualTo("1");
    assertThat(rec.getJsonObject("body").getString("state")).isEqualTo("analyzing");
    assertThat(rec.getJsonObject("body").getString("key")).isEqualTo("diagnosis");
  }

  @Test
  void register_outside_ops_is_denied_and_gets_nothing(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.send(new JsonObject().put("type", "register").put("address", "internal.agents.status"));
    await(client.waitForErrors(1));
    JsonObject err = client.errors().get(0);
    assertThat(err.getString("code")).isEqualTo("access_denied");
    assertThat(err.getString("address")).isEqualTo("internal.agents.status");
    vertx.eventBus().publish("internal.agents.status", new JsonObject().put("secret", true));
    client.register("ops.agents.state");
    await(new Streams(vertx, "ops.agents.state", 1).publish("a", new JsonObject()));
    await(client.waitForReceived("ops.agents.state", 1));
    assertThat(client.received("internal.agents.status")).isEmpty();
  }

  @Test
  void register_on_control_address_is_denied(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.send(new JsonObject().put("type", "register").put("address", "ops.control.drills"));
    await(client.waitForErrors(1));
    assertThat(client.errors().get(0).getString("code")).isEqualTo("access_denied");
  }

  @Test
  void publish_and_send_to_streams_are_denied(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register("ops.agents.state");
    client.send(new JsonObject().put("type", "publish").put("address", "ops.agents.state").put("body", new JsonObject().put("fake", 1)));
    client.send(new JsonObject().put("type", "send").put("address", "ops.agents.state").put("body", new JsonObject().put("fake", 2)));
    await(client.waitForErrors(2));
    client.sync();
    assertThat(client.errors()).extracting(e -> e.getString("code")).containsExactly("access_denied", "access_denied");
    assertThat(client.received("ops.agents.state")).isEmpty();
  }

  @Test
  void control_without_or_with_wrong_token_is_denied(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("ops.control.drills", m -> m.reply(new JsonObject().put("ok", true)));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.send(new JsonObject().put("type", "send").put("address", "ops.control.drills").put("replyAddress", "r1")
        .put("body", new JsonObject().put("action", "start")));
    client.send(new JsonObject().put("type", "send").put("address", "ops.control.drills").put("replyAddress", "r2")
        .put("headers", new JsonObject().put("token", "wrong")).put("body", new JsonObject().put("action", "start")));
    client.send(new JsonObject().put("type", "publish").put("address", "ops.control.drills")
        .put("headers", new JsonObject().put("token", TOKEN)).put("body", new JsonObject().put("action", "start")));
    await(client.waitForErrors(3));
    assertThat(client.errors()).extracting(e -> e.getString("code")).containsOnly("access_denied");
    assertThat(client.errors()).extracting(e -> e.getString("address")).containsExactly("r1", "r2", null);
    assertThat(client.errors().get(0).getInteger("failureCode")).isEqualTo(403);
    assertThat(client.received("r1")).isEmpty();
  }

  @Test
  void control_with_token_is_forwarded_and_reply_relayed(Vertx vertx) throws Exception {
    vertx.eventBus().<JsonObject>consumer("ops.control.drills", m -> {
      if (m.headers().contains("token")) {
        m.fail(500, "token leaked");
      } else if ("start".equals(m.body().getString("action"))) {
        m.reply(new JsonObject().put("drillId", "d-1").put("state", "running").put("trace", m.headers().get("trace")));
      } else {
        m.fail(409, "invalid_state: drill is not running");
      }
    }).completion();
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.send(new JsonObject().put("type", "send").put("address", "ops.control.drills").put("replyAddress", "reply-1")
        .put("headers", new JsonObject().put("token", TOKEN).put("trace", "t-9")).put("body", new JsonObject().put("action", "start")));
    await(client.waitForReceived("reply-1", 1));
    JsonObject reply = client.received("reply-1").get(0).getJsonObject("body");
    assertThat(reply.getString("drillId")).isEqualTo("d-1");
    assertThat(reply.getString("trace")).isEqualTo("t-9");

    client.send(new JsonObject().put("type", "send").put("address", "ops.control.drills").put("replyAddress", "reply-2")
        .put("headers", new JsonObject().put("token", TOKEN)).put("body", new JsonObject().put("action", "pause")));
    await(client.waitForErrors(1));
    JsonObject err = client.errors().get(0);
    assertThat(err.getString("address")).isEqualTo("reply-2");
    assertThat(err.getInteger("failureCode")).isEqualTo(409);
    assertThat(err.getString("message")).startsWith("invalid_state");
  }

  @Test
  void ops_ping_is_answered_by_the_node(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    long before = System.currentTimeMillis();
    client.send(new JsonObject().put("type", "send").put("address", "ops.ping").put("replyAddress", "p-1").put("body", new JsonObject()));
    await(client.waitForReceived("p-1", 1));
    JsonObject body = client.received("p-1").get(0).getJsonObject("body");
    assertThat(body.getString("nodeId")).isEqualTo("n-test");
    assertThat(body.getLong("ts")).isGreaterThanOrEqualTo(before);
  }

  @Test
  void malformed_frames_get_errors_and_the_connection_goes_on(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.sendRaw("not json at all");
    client.sendRaw("[\"{broken\"]");
    client.sendRaw("[42]");
    client.send(new JsonObject().put("type", "teleport").put("address", "ops.x"));
    client.send(new JsonObject().put("address", "ops.x"));
    await(client.waitForErrors(5));
    assertThat(client.errors()).extracting(e -> e.getString("code"))
        .containsExactly("invalid_json", "invalid_json", "invalid_json", "unknown_type", "unknown_type");
    client.register("ops.agents.state");
    await(new Streams(vertx, "ops.agents.state", 1).publish("k", new JsonObject()));
    await(client.waitForReceived("ops.agents.state", 1));
    assertThat(client.socketClosed).isFalse();
    assertThat(node.bridge.connections()).isEqualTo(1);
  }

  @Test
  void unregister_stops_delivery(Vertx vertx) throws Exception {
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register("ops.incidents");
    Streams stream = new Streams(vertx, "ops.incidents", 1);
    await(stream.publish("i-1", new JsonObject()));
    await(client.waitForReceived("ops.incidents", 1));
    assertThat(node.gauge("opshub.bridge.subscriptions")).isEqualTo(1.0);
    client.send(new JsonObject().put("type", "unregister").put("address", "ops.incidents"));
    client.sync();
    await(stream.publish("i-1", new JsonObject()));
    client.register("ops.agents.state");
    await(new Streams(vertx, "ops.agents.state", 1).publish("a", new JsonObject()));
    await(client.waitForReceived("ops.agents.state", 1));
    assertThat(client.received("ops.incidents")).hasSize(1);
  }

  @Test
  void one_consumer_per_address_and_one_encoding_per_message(Vertx vertx) throws Exception {
    SockJsClient a = SockJsClient.open(vertx, node.port());
    SockJsClient b = SockJsClient.open(vertx, node.port());
    SockJsClient c = SockJsClient.open(vertx, node.port());
    for (SockJsClient client : List.of(a, b, c)) {
      client.register("ops.agents.state");
    }
    await(new Streams(vertx, "ops.agents.state", 1).burst(5, "k", 5));
    for (SockJsClient client : List.of(a, b, c)) {
      await(client.waitForReceived("ops.agents.state", 5));
    }
    assertThat(node.counter("opshub.bridge.messages.in")).isEqualTo(5.0);
    assertThat(node.counter("opshub.bridge.deliveries")).isGreaterThanOrEqualTo(15.0);
    assertThat(node.registry.find("opshub.bridge.subscriptions").tag("address", "ops.agents.state").gauge().value()).isEqualTo(3.0);
  }
}
