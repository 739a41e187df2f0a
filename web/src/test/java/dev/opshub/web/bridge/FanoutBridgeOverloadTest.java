package dev.opshub.web.bridge;

import dev.opshub.contract.CloseReason;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overload: the node publishes far faster than the connections' event loop (or the bridge's own) can take. Nothing
 * queues without bound: the hand-off stops at its bound, the node sheds what it cannot take, and the subscribers
 * concerned get a gap-free prefix and {@code slow_consumer} (they resume elsewhere or later).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class FanoutBridgeOverloadTest {

  private static final String EVENTS = "ops.consensus";
  private static final long EPOCH = 7;

  /**
   * Publishes {@code n} messages (offsets from {@code first}) in one task on the bridge's own context: every
   * event-bus delivery is queued behind that task, so the table sees all of them before any hand-off can run.
   */
  private static Future<Void> flood(Vertx vertx, BridgeServer node, long first, int n) {
    Promise<Void> done = Promise.promise();
    node.bridge.tableContext().runOnContext(v -> {
      for (long o = first; o < first + n; o++) {
        vertx.eventBus().publish(EVENTS, new JsonObject().put("ts", System.currentTimeMillis()).put("n", o),
            new DeliveryOptions().addHeader("epoch", Long.toString(EPOCH)).addHeader("offset", Long.toString(o)));
      }
      done.complete();
    });
    return done.future();
  }

  private static List<SockJsClient> clients(Vertx vertx, BridgeServer node, int n) throws Exception {
    List<SockJsClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SockJsClient c = SockJsClient.open(vertx, node.port());
      c.register(EVENTS);
      clients.add(c);
    }
    return clients;
  }

  private static List<Long> offsets(SockJsClient c) {
    return c.received(EVENTS).stream().map(r -> Long.parseLong(r.getJsonObject("headers").getString("offset"))).toList();
  }

  @Test
  void a_hand_off_past_its_bound_drops_and_closes_its_subscribers_instead_of_queuing(Vertx vertx) throws Exception {
    int bound = 50;
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(EVENTS))
        .setMaxHandOffMessages(bound).setMaxQueueMessages(10_000).setMaxIngressLag(60_000)));
    List<SockJsClient> clients = clients(vertx, node, 5);

    await(flood(vertx, node, 1, 2_000));
    for (SockJsClient c : clients) {
      await(c.waitFor(x -> x.closeFrame != null));
      assertThat(c.closeFrame).contains("4002").contains(CloseReason.SLOW_CONSUMER.reason());
      // what was handed off before the bound arrived in order, without gaps; nothing after it
      List<Long> got = offsets(c);
      assertThat(got).isNotEmpty().hasSizeLessThanOrEqualTo(bound);
      assertThat(got).containsExactlyElementsOf(LongStream.rangeClosed(1, got.size()).boxed().toList());
    }
    assertThat(node.counter("opshub.bridge.handoff.overloads")).isGreaterThanOrEqualTo(1);
    // every message past the bound counts once per subscriber that missed it
    assertThat(node.counter("opshub.bridge.dropped")).isGreaterThanOrEqualTo(5.0 * (2_000 - bound));
    assertThat(node.counter("opshub.bridge.slow.consumer.closes")).isEqualTo(5);
    await(clients.get(0).waitFor(x -> node.bridge.connections() == 0));
    assertThat(node.gauge("opshub.bridge.handoff.depth")).isZero();
    assertThat(node.gauge("opshub.bridge.queue.depth")).isZero();

    // the node itself is fine: a new client gets live messages again
    SockJsClient fresh = clients(vertx, node, 1).get(0);
    await(flood(vertx, node, 2_001, 10));
    await(fresh.waitForReceived(EVENTS, 10));
    assertThat(offsets(fresh)).containsExactlyElementsOf(LongStream.rangeClosed(2_001, 2_010).boxed().toList());
    assertThat(fresh.closeFrame).isNull();
  }

  @Test
  void a_lagging_bridge_event_loop_sheds_incoming_messages_and_closes_subscribers(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(EVENTS))
        .setMaxIngressLag(5).setMaxHandOffMessages(1_000_000).setMaxQueueMessages(1_000_000).setMaxQueueBytes(1L << 30)));
    List<SockJsClient> clients = clients(vertx, node, 3);

    // bursts of event-bus deliveries queue up on the bridge's event loop; the lag probe waits behind them
    long next = 1;
    for (int round = 0; round < 20 && node.counter("opshub.bridge.ingress.shed") == 0; round++) {
      await(flood(vertx, node, next, 20_000));
      next += 20_000;
      await(clients.get(0).waitFor(x -> node.gauge("opshub.bridge.handoff.depth") == 0
          || node.counter("opshub.bridge.ingress.shed") > 0));
    }
    assertThat(node.counter("opshub.bridge.ingress.shed")).isPositive();
    for (SockJsClient c : clients) {
      await(c.waitFor(x -> x.closeFrame != null));
      assertThat(c.closeFrame).contains(CloseReason.SLOW_CONSUMER.reason());
      List<Long> got = offsets(c);
      assertThat(got).containsExactlyElementsOf(LongStream.rangeClosed(1, got.size()).boxed().toList());
    }
    assertThat(node.counter("opshub.bridge.dropped")).isPositive();
    await(clients.get(0).waitFor(x -> node.bridge.connections() == 0));
    assertThat(node.gauge("opshub.bridge.handoff.depth")).isZero();
    assertThat(node.gauge("opshub.bridge.queue.depth")).isZero();
  }
}
