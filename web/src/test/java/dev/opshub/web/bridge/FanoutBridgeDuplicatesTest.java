package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine that took a drill over publishes the drill's last messages again, under its new epoch, with the ids they
 * had: a node that has a message of that id drops the copy, so its clients never see one twice.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FanoutBridgeDuplicatesTest {

  private static final String EVENTS = "ops.incidents.timeline";

  private static void publish(Vertx vertx, long epoch, long offset, String id, String text) {
    DeliveryOptions headers = new DeliveryOptions().addHeader("epoch", Long.toString(epoch))
        .addHeader("offset", Long.toString(offset));
    if (id != null) {
      headers.addHeader("id", id);
    }
    vertx.eventBus().publish(EVENTS, new JsonObject().put("text", text).put("ts", System.currentTimeMillis()), headers);
  }

  @Test
  void a_copy_of_a_message_the_node_has_is_not_delivered_again(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(EVENTS))));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register(EVENTS);
    publish(vertx, 5, 1, "d1:1", "first");
    publish(vertx, 5, 2, "d1:2", "second");
    // the new engine (epoch 6) publishes the last one again, then goes on
    publish(vertx, 6, 1, "d1:2", "second");
    publish(vertx, 6, 2, "d1:3", "third");
    publish(vertx, 6, 3, null, "no id: never dropped");
    await(client.waitForReceived(EVENTS, 4));
    assertThat(client.received(EVENTS)).extracting(r -> r.getJsonObject("body").getString("text"))
        .containsExactly("first", "second", "third", "no id: never dropped");
    assertThat(node.counter("opshub.bridge.duplicates")).isEqualTo(1.0);
  }
}
