package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Batching, conflation, slow consumers, resume and snapshot, spoken over the wire. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class FanoutBridgeDeliveryTest {

  private static final String EVENTS = "ops.incidents.timeline";
  private static final String STATE = "ops.agents.state";

  private static List<Long> offsets(List<JsonObject> recs) {
    return recs.stream().map(r -> Long.parseLong(r.getJsonObject("headers").getString("offset"))).collect(Collectors.toList());
  }

  /** {@code n} clients registered on {@link #EVENTS} with {@code headers} (null: none). */
  private static List<SockJsClient> registered(Vertx vertx, BridgeServer node, int n, JsonObject headers) throws Exception {
    List<SockJsClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SockJsClient c = SockJsClient.open(vertx, node.port());
      c.register(EVENTS, headers);
      clients.add(c);
    }
    return clients;
  }

  /** Runs {@code action} every {@code periodMs} ms, {@code times} times in all, each time in its own event-loop turn. */
  private static void repeat(Vertx vertx, long periodMs, int times, Runnable action) {
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    vertx.setPeriodic(periodMs, id -> {
      if (done.incrementAndGet() >= times) {
        vertx.cancelTimer(id);
      }
      if (done.get() <= times) {
        action.run();
      }
    });
  }

  @Test
  void a_burst_is_batched_in_frames_of_at_most_max_messages(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(EVENTS))));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register(EVENTS);
    int framesBefore = client.frames.size();
    await(new Streams(vertx, EVENTS, 1).burst(25, null, 0));
    await(client.waitForReceived(EVENTS, 25));
    List<Integer> frames = client.frames.subList(framesBefore, client.frames.size());
    assertThat(frames.stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
    assertThat(frames).allMatch(n -> n <= 10);
    assertThat(frames).anyMatch(n -> n > 1);
    assertThat(frames.size()).isLessThan(25);
    assertThat(offsets(client.received(EVENTS))).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
    assertThat(node.registry.find("opshub.bridge.frame.messages").summary().max()).isGreaterThan(1.0);
  }

  /** A client that stops reading behind small socket buffers fills its queue. */
  private static BridgeOptions stallable() {
    return new BridgeOptions().setSendBufferSize(4096).setMaxQueueMessages(20).setMaxQueueBytes(1 << 20)
        .setHistorySize(10_000).setStreams(List.of(EVENTS, STATE));
  }

  private static SockJsClient stalledClient(Vertx vertx, BridgeServer node, String address) throws Exception {
    SockJsClient client = await(SockJsClient.connect(vertx, node.port(), null, new WebSocketClientOptions().setReceiveBufferSize(4096)));
    await(client.waitFor(c -> c.opened));
    client.register(address);
    client.ws.pause();
    return client;
  }

  private static final String PAD = "x".repeat(1_000);

  @Test
  void a_stalled_client_is_conflated_to_the_newest_per_key(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, stallable().setSlowConsumerGrace(30_000)));
    SockJsClient stalled = stalledClient(vertx, node, STATE);
    SockJsClient healthy = SockJsClient.open(vertx, node.port());
    healthy.register(STATE);
    Streams stream = new Streams(vertx, STATE, 3);
    int published = 0;
    for (int round = 0; round < 60; round++) {
      published = (int) (long) await(stream.burst(10, "agent-", 5, PAD));
      await(healthy.waitForReceived(STATE, published)); // the healthy client keeps up
    }
    await(healthy.waitForReceived(STATE, published));
    assertThat(node.counter("opshub.bridge.conflated")).isPositive();
    assertThat(node.counter("opshub.bridge.dropped")).isZero();
    // last offset per key, as published
    Map<String, Long> newest = new HashMap<>();
    for (JsonObject rec : healthy.received(STATE)) {
      newest.put(rec.getJsonObject("body").getString("key"), Long.parseLong(rec.getJsonObject("headers").getString("offset")));
    }
    stalled.ws.resume();
    await(stalled.waitFor(c -> newest.entrySet().stream().allMatch(e -> c.received(STATE).stream().anyMatch(r ->
        r.getJsonObject("body").getString("key").equals(e.getKey())
            && Long.parseLong(r.getJsonObject("headers").getString("offset")) == e.getValue()))));
    List<Long> got = offsets(stalled.received(STATE));
    assertThat(got).hasSizeLessThan(published).isSorted().doesNotHaveDuplicates();
    assertThat(stalled.closeFrame).isNull();
    assertThat(node.bridge.connections()).isEqualTo(2);
  }

  @Test
  void a_client_that_keeps_overflowing_is_closed_as_slow_consumer_and_resumes_without_gaps(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, stallable().setSlowConsumerGrace(300)));
    SockJsClient stalled = stalledClient(vertx, node, EVENTS);
    SockJsClient healthy = SockJsClient.open(vertx, node.port());
    healthy.register(EVENTS);
    Streams stream = new Streams(vertx, EVENTS, 5);
    long published = 0;
    for (int round = 0; round < 60; round++) {
      published = await(stream.burst(10, null, 0, PAD));
      await(healthy.waitForReceived(EVENTS, (int) published)); // the healthy client keeps up
    }
    await(healthy.waitForReceived(EVENTS, (int) published));
    await().atMost(Duration.ofSeconds(15)).until(() -> node.counter("opshub.bridge.slow.consumer.closes") >= 1);
    stalled.ws.resume();
    await(stalled.waitFor(c -> c.closeFrame != null));
    assertThat(stalled.closeFrame).isEqualTo("c[4002,\"slow_consumer\"]");
    assertThat(node.counter("opshub.bridge.dropped")).isPositive();
    assertThat(healthy.closeFrame).isNull();
    assertThat(offsets(healthy.received(EVENTS))).hasSize((int) published).isSorted().doesNotHaveDuplicates();

    // comes back with the last offset it saw and gets everything it missed, once
    List<Long> before = offsets(stalled.received(EVENTS));
    long lastSeen = before.get(before.size() - 1);
    SockJsClient back = SockJsClient.open(vertx, node.port());
    back.register(EVENTS, new JsonObject().put("epoch", "5").put("offset", Long.toString(lastSeen)));
    assertThat(before).containsExactlyElementsOf(LongStream.rangeClosed(1, lastSeen).boxed().toList());
    try {
      await(back.waitForReceived(EVENTS, (int) (published - lastSeen)));
    } catch (Exception e) {
      throw new AssertionError("lastSeen " + lastSeen + " published " + published + " got " + offsets(back.received(EVENTS))
          + " msgs " + back.messages.size() + " hits " + node.counter("opshub.bridge.resume.hits"), e);
    }
    List<Long> after = offsets(back.received(EVENTS));
    assertThat(after).containsExactlyElementsOf(LongStream.rangeClosed(lastSeen + 1, published).boxed().toList());
    assertThat(before).isSorted().doesNotHaveDuplicates();
    assertThat(node.counter("opshub.bridge.resume.hits")).isEqualTo(1.0);
  }

  @Test
  void resume_replays_missed_messages_in_order_then_live(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(EVENTS))));
    Streams stream = new Streams(vertx, EVENTS, 42);
    await(stream.burst(10, null, 0));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register(EVENTS, new JsonObject().put("epoch", "42").put("offset", "5"));
    await(client.waitForReceived(EVENTS, 5));
    await(stream.burst(5, null, 0));
    await(client.waitForReceived(EVENTS, 10));
    client.sync();
    assertThat(offsets(client.received(EVENTS))).containsExactlyElementsOf(LongStream.rangeClosed(6, 15).boxed().toList());
    assertThat(client.received(EVENTS)).noneMatch(r -> r.getJsonObject("headers").containsKey("snapshot"));
    assertThat(node.counter("opshub.bridge.resume.hits")).isEqualTo(1.0);

    // a client already up to date gets only what comes next
    SockJsClient current = SockJsClient.open(vertx, node.port());
    current.register(EVENTS, new JsonObject().put("epoch", 42).put("offset", 15));
    await(stream.publish(null, new JsonObject()));
    await(current.waitForReceived(EVENTS, 1));
    current.sync();
    assertThat(offsets(current.received(EVENTS))).containsExactly(16L);
  }

  @Test
  void subscribers_joining_while_bursts_flow_get_every_message_once_in_order(Vertx vertx) throws Exception {
    // bursts keep arriving while clients register with resume headers: a start (replay plan) handed off between
    // two messages of one burst must reach its connection between them, and the connections already subscribed
    // must get the burst's messages in order, once
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setHistorySize(10_000).setStreams(List.of(EVENTS))));
    List<SockJsClient> early = registered(vertx, node, 3, new JsonObject().put("epoch", "7").put("offset", "0"));
    Streams stream = new Streams(vertx, EVENTS, 7);
    int bursts = 100;
    repeat(vertx, 3, bursts, () -> stream.burst(5, null, 0));
    List<SockJsClient> late = new ArrayList<>();
    List<Long> from = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      await(early.get(0).waitForReceived(EVENTS, 60 * (i + 1)));
      // resume from a little behind what the first client has seen: part replay, part live, overlapping
      long offset = offsets(early.get(0).received(EVENTS)).size() - 20L;
      SockJsClient c = SockJsClient.open(vertx, node.port());
      c.register(EVENTS, new JsonObject().put("epoch", "7").put("offset", Long.toString(offset)));
      late.add(c);
      from.add(offset);
    }
    int total = 5 * bursts;
    for (SockJsClient c : early) {
      await(c.waitForReceived(EVENTS, total));
      assertThat(offsets(c.received(EVENTS))).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    }
    for (int i = 0; i < late.size(); i++) {
      SockJsClient c = late.get(i);
      long first = from.get(i) + 1;
      await(c.waitForReceived(EVENTS, (int) (total - first + 1)));
      assertThat(offsets(c.received(EVENTS))).as("client resumed from %d", from.get(i))
          .containsExactlyElementsOf(LongStream.rangeClosed(first, total).boxed().toList());
    }
  }

  @Test
  void register_without_headers_gets_live_messages_only(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(STATE))));
    Streams stream = new Streams(vertx, STATE, 1);
    await(stream.burst(10, "k", 3));
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register(STATE);
    await(stream.publish("k0", new JsonObject()));
    await(client.waitForReceived(STATE, 1));
    client.sync();
    assertThat(offsets(client.received(STATE))).containsExactly(11L);
  }

  @Test
  void unknown_epoch_gets_newest_per_key_as_snapshot_then_live(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(STATE))));
    Streams stream = new Streams(vertx, STATE, 9);
    await(stream.burst(30, "agent-", 5)); // offsets 1..30, keys agent-0..4; newest per key are 26..30
    SockJsClient client = SockJsClient.open(vertx, node.port());
    client.register(STATE, new JsonObject().put("epoch", "1").put("offset", "3"));
    await(client.waitForReceived(STATE, 5));
    await(stream.publish("agent-2", new JsonObject().put("live", true)));
    await(client.waitForReceived(STATE, 6));
    client.sync();
    List<JsonObject> recs = client.received(STATE);
    assertThat(offsets(recs)).containsExactly(26L, 27L, 28L, 29L, 30L, 31L);
    assertThat(recs.subList(0, 5)).allMatch(r -> "true".equals(r.getJsonObject("headers").getString("snapshot")));
    assertThat(recs.get(5).getJsonObject("headers").containsKey("snapshot")).isFalse();
    assertThat(node.counter("opshub.bridge.resume.misses")).isEqualTo(1.0);
  }

  @Test
  void offset_older_than_the_window_or_explicit_request_gets_a_snapshot(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setHistorySize(5).setStreams(List.of(STATE))));
    Streams stream = new Streams(vertx, STATE, 2);
    await(stream.burst(20, "k", 2)); // newest: k0 -> 19, k1 -> 20
    SockJsClient old = SockJsClient.open(vertx, node.port());
    old.register(STATE, new JsonObject().put("epoch", "2").put("offset", "3"));
    await(old.waitForReceived(STATE, 2));
    SockJsClient asks = SockJsClient.open(vertx, node.port());
    asks.register(STATE, new JsonObject().put("snapshot", "true"));
    await(asks.waitForReceived(STATE, 2));
    for (SockJsClient c : List.of(old, asks)) {
      c.sync();
      assertThat(offsets(c.received(STATE))).containsExactly(19L, 20L);
      assertThat(c.received(STATE)).allMatch(r -> "true".equals(r.getJsonObject("headers").getString("snapshot")));
    }
    assertThat(node.counter("opshub.bridge.resume.misses")).isEqualTo(1.0);
  }
}
