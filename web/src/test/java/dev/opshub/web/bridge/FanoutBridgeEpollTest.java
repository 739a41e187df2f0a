package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bridge on the epoll transport (the hub's default on Linux), where frames go straight to the socket while
 * nothing is pending and through the pipeline when the socket is full: the bytes a client reads must be the same
 * frames, whole and in order, whichever way each part went.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FanoutBridgeEpollTest {

  private static final String EVENTS = "ops.incidents.timeline";
  private static final String PAD = "x".repeat(1_000);

  private Vertx vertx;

  @BeforeEach
  void start() {
    assumeTrue(Transport.EPOLL.available(), "the epoll transport does not load here (not Linux x86_64?): "
        + Transport.EPOLL.unavailabilityCause());
    vertx = Vertx.builder().withTransport(Transport.EPOLL).build();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static List<Long> offsets(List<JsonObject> recs) {
    return recs.stream().map(r -> Long.parseLong(r.getJsonObject("headers").getString("offset"))).toList();
  }

  @Test
  void frames_go_straight_to_the_socket_and_what_a_full_socket_does_not_take_follows_in_order() throws Exception {
    // small socket buffers and a queue large enough that nothing is conflated or dropped: the stalled client's
    // socket fills in the middle of a frame, the rest of it and the frames after it wait in the pipeline
    BridgeOptions options = new BridgeOptions().setSendBufferSize(4096).setMaxQueueMessages(5_000)
        .setMaxQueueBytes(16 << 20).setSlowConsumerGrace(30_000).setHistorySize(10_000).setStreams(List.of(EVENTS));
    BridgeServer node = await(BridgeServer.deploy(vertx, options));
    SockJsClient stalled = await(SockJsClient.connect(vertx, node.port(), null,
        new WebSocketClientOptions().setReceiveBufferSize(4096)));
    await(stalled.waitFor(c -> c.opened));
    stalled.register(EVENTS);
    stalled.ws.pause();
    SockJsClient healthy = SockJsClient.open(vertx, node.port());
    healthy.register(EVENTS);
    assertThat(node.bridge.directConnections()).as("connections writing straight to their socket").isEqualTo(2);

    Streams stream = new Streams(vertx, EVENTS, 9);
    long published = 0;
    for (int round = 0; round < 40; round++) {
      published = await(stream.burst(10, null, 0, PAD));
      await(healthy.waitForReceived(EVENTS, (int) published)); // the healthy client keeps up meanwhile
    }
    List<Long> all = LongStream.rangeClosed(1, published).boxed().toList();
    assertThat(offsets(healthy.received(EVENTS))).containsExactlyElementsOf(all);
    assertThat(stalled.received(EVENTS).size()).as("the stalled client has not read everything yet").isLessThan((int) published);

    stalled.ws.resume();
    await(stalled.waitForReceived(EVENTS, (int) published));
    assertThat(offsets(stalled.received(EVENTS))).containsExactlyElementsOf(all);
    assertThat(stalled.received(EVENTS)).allMatch(r -> PAD.equals(r.getJsonObject("body").getString("pad")));
    assertThat(stalled.frames).allMatch(n -> n <= 10);
    assertThat(node.counter("opshub.bridge.dropped")).isZero();
    assertThat(node.counter("opshub.bridge.conflated")).isZero();
    assertThat(stalled.closeFrame).isNull();
  }
}
