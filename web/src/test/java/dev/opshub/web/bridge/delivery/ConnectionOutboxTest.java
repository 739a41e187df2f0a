package dev.opshub.web.bridge.delivery;

import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Batching, frame cuts, lingers, conflation and slow consumers, with time stepped by hand. */
class ConnectionOutboxTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ManualEventLoop loop = new ManualEventLoop();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BridgeMetrics metrics = new BridgeMetrics(registry);
  private final FlushScheduler scheduler = new FlushScheduler(loop, new SharedFrames(metrics, 10));
  /** When each message was handed to the outboxes. */
  private final Map<String, Long> sentAt = new HashMap<>();
  private int slowConsumers;
  private int published;

  /** Settings as the bridge's defaults, with the given linger, fill wait and queue bound (ms; 10 per frame). */
  private static DeliverySettings settings(long lingerMs, long fillWaitMs, int maxQueue) {
    return new DeliverySettings(10, lingerMs * MS, fillWaitMs * MS, 1, maxQueue, 1 << 20, true, 5_000 * MS);
  }

  private ConnectionOutbox outbox(RecordingTransport transport, DeliverySettings settings) {
    return new ConnectionOutbox(transport, scheduler, settings, metrics, 0, () -> slowConsumers++);
  }

  private static byte[] element(String text) {
    return ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8);
  }

  /** One hand-off burst of {@code size} live messages to every outbox, now. */
  private void burst(int size, ConnectionOutbox... outboxes) {
    List<byte[]> elements = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String text = "m" + (++published);
      sentAt.put("\"" + text + "\"", loop.clock().nanoTime());
      elements.add(element(text));
    }
    scheduler.beginBurst();
    for (ConnectionOutbox o : outboxes) {
      for (byte[] e : elements) {
        o.live(e, null, 0, loop.clock().nanoTime());
      }
    }
    scheduler.endBurst();
  }

  /** {@code count} bursts of {@code size}, one every {@code periodMs}; then time runs on for a second. */
  private void bursts(int count, int size, long periodMs, ConnectionOutbox outbox) {
    for (int i = 0; i < count; i++) {
      burst(size, outbox);
      loop.advance(periodMs, TimeUnit.MILLISECONDS);
    }
    loop.advance(1_000, TimeUnit.MILLISECONDS);
  }

  /** The longest time a message waited between its hand-off and its frame. */
  private long longestWaitMs(RecordingTransport t) {
    long longest = 0;
    for (RecordingTransport.Written f : t.frames) {
      for (String m : f.messages()) {
        longest = Math.max(longest, f.atNanos() - sentAt.get(m));
      }
    }
    return longest / MS;
  }

  private static List<String> texts(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "\"m" + i + "\"").toList();
  }

  @Test
  void a_lone_message_is_written_at_once() {
    RecordingTransport t = new RecordingTransport();
    ConnectionOutbox o = outbox(t, settings(35, 45, 1_000));
    burst(1, o);
    assertThat(t.sizes()).containsExactly(1);
    assertThat(t.frames.get(0).atNanos()).isEqualTo(sentAt.get("\"m1\""));
  }

  @Test
  void a_burst_is_written_as_frames_of_at_most_max_messages() {
    RecordingTransport t = new RecordingTransport();
    burst(25, outbox(t, settings(35, 45, 1_000)));
    assertThat(t.sizes()).containsExactly(10, 10, 5);
    assertThat(t.messages()).containsExactlyElementsOf(texts(1, 25));
  }

  @Test
  void sustained_traffic_fills_frames_and_no_message_waits_longer_than_the_fill_wait() {
    RecordingTransport t = new RecordingTransport();
    // one message every 5 ms: 9 arrive within the 45 ms fill wait
    bursts(200, 1, 5, outbox(t, settings(35, 45, 1_000)));
    assertThat(t.messages()).containsExactlyElementsOf(texts(1, 200));
    assertThat(t.sizes()).allMatch(n -> n <= 10);
    assertThat(t.sizes().stream().mapToInt(n -> n).average().orElse(0)).as("frames %s", t.sizes()).isGreaterThan(8.0);
    assertThat(longestWaitMs(t)).as("frames %s", t.sizes()).isLessThan(45);
  }

  @Test
  void full_frames_are_cut_between_bursts_not_inside_one() {
    RecordingTransport t = new RecordingTransport();
    // the linger is far away: frames go only when full; bursts of 3 reach 12 queued, and the frame takes the 9
    // older ones while the newest burst starts the next frame (at 10 one message of a burst would stay behind)
    ConnectionOutbox o = outbox(t, settings(2_000, 0, 1_000));
    for (int i = 0; i < 14; i++) {
      burst(3, o);
      loop.advance(20, TimeUnit.MILLISECONDS);
    }
    assertThat(t.sizes()).containsExactly(3, 9, 9, 9, 9);
    assertThat(o.queued()).isEqualTo(3);
  }

  @Test
  void a_full_frame_whose_newest_burst_is_still_arriving_is_cut_before_that_burst() {
    RecordingTransport t = new RecordingTransport();
    ConnectionOutbox o = outbox(t, settings(2_000, 0, 1_000));
    for (int i = 0; i < 4; i++) {
      burst(3, o);
      loop.advance(20, TimeUnit.MILLISECONDS);
    }
    // 9 queued; the next burst of 3 reaches the connection in two pieces half a millisecond apart (its event loop
    // took the first message before the others were handed over): the first piece makes the queue exactly full
    burst(1, o);
    loop.advance(500, TimeUnit.MICROSECONDS);
    burst(2, o);
    assertThat(t.sizes()).as("9, not 10: the whole burst starts the next frame").containsExactly(3, 9);
    assertThat(o.queued()).isEqualTo(3);
  }

  @Test
  void a_connection_whose_frames_fill_within_the_fill_wait_waits_for_full_frames() {
    // 2 messages every 40 ms: a frame of 10 is full 160 ms after its first message, within the 180 ms fill wait
    // but not the 140 ms linger
    RecordingTransport linger = new RecordingTransport();
    bursts(60, 2, 40, outbox(linger, settings(140, 0, 1_000)));
    List<Integer> lingerSteady = steady(linger.sizes());
    assertThat(lingerSteady).as("on the linger's grid (3.5 bursts a period) %s", linger.sizes()).allMatch(n -> n <= 8);

    RecordingTransport fill = new RecordingTransport();
    bursts(60, 2, 40, outbox(fill, settings(140, 180, 1_000)));
    List<Integer> fillSteady = steady(fill.sizes());
    assertThat(fillSteady).as("frames %s", fill.sizes()).allMatch(n -> n == 10 || n == 8).contains(10);
    assertThat(fillSteady.stream().mapToInt(n -> n).average().orElse(0)).as("frames %s", fill.sizes()).isGreaterThan(8.5);
    assertThat(longestWaitMs(fill)).isLessThan(180);
  }

  @Test
  void the_pace_decides_the_fill_wait_not_whole_bursts() {
    // 1 message every 22 ms: 8.6 in the 190 ms fill wait (above 8), so its grid, though 9 whole bursts take 198 ms
    RecordingTransport t = new RecordingTransport();
    bursts(100, 1, 22, outbox(t, settings(140, 190, 1_000)));
    assertThat(steady(t.sizes())).as("frames %s", t.sizes()).allMatch(n -> n == 8 || n == 9);
  }

  @Test
  void a_connection_whose_frames_would_not_fill_in_time_keeps_the_linger() {
    // 1 message every 40 ms: a full frame would take 360 ms, beyond the 300 ms fill wait: the 100 ms linger
    RecordingTransport t = new RecordingTransport();
    bursts(60, 1, 40, outbox(t, settings(100, 300, 1_000)));
    assertThat(steady(t.sizes())).as("frames %s", t.sizes()).allMatch(n -> n == 2 || n == 3);
    assertThat(longestWaitMs(t)).isLessThan(100);
  }

  @Test
  void sockets_getting_the_same_messages_share_one_encoded_frame() {
    List<RecordingTransport> transports = new ArrayList<>();
    List<ConnectionOutbox> outboxes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RecordingTransport t = new RecordingTransport();
      transports.add(t);
      outboxes.add(outbox(t, settings(35, 45, 1_000)));
    }
    burst(25, outboxes.toArray(ConnectionOutbox[]::new));
    for (RecordingTransport t : transports) {
      assertThat(t.sizes()).containsExactly(10, 10, 5);
      assertThat(t.encoded.keySet()).containsExactlyElementsOf(transports.get(0).encoded.keySet());
    }
    assertThat(registry.find("opshub.bridge.frames").counter().count()).isEqualTo(15);
    assertThat(registry.find("opshub.bridge.frame.encodings").counter().count()).isEqualTo(3);
  }

  @Test
  void a_stalled_connection_keeps_the_newest_state_per_key() {
    RecordingTransport t = new RecordingTransport();
    t.writable = false;
    ConnectionOutbox o = outbox(t, settings(35, 45, 3));
    long now = loop.clock().nanoTime();
    o.live(element("a1"), "a", 0, now);
    o.live(element("b1"), "b", 0, now);
    o.live(element("c1"), "c", 0, now);
    o.live(element("a2"), "a", 0, now);
    o.live(element("b2"), "b", 0, now);
    loop.runPending();
    assertThat(o.queued()).isEqualTo(3);
    t.writable = true;
    o.flush();
    assertThat(t.messages()).containsExactly("\"c1\"", "\"a2\"", "\"b2\"");
    assertThat(registry.find("opshub.bridge.conflated").counter().count()).isEqualTo(2);
    assertThat(slowConsumers).as("it caught up within the grace").isZero();
    loop.advance(10, TimeUnit.SECONDS);
    assertThat(slowConsumers).isZero();
  }

  @Test
  void a_queue_that_keeps_overflowing_ends_as_a_slow_consumer_after_the_grace() {
    RecordingTransport t = new RecordingTransport();
    t.writable = false;
    ConnectionOutbox o = outbox(t, settings(35, 45, 2));
    o.live(element("a1"), "a", 0, loop.clock().nanoTime());
    o.live(element("b1"), "b", 0, loop.clock().nanoTime());
    o.live(element("a2"), "a", 0, loop.clock().nanoTime());
    loop.advance(4_999, TimeUnit.MILLISECONDS);
    assertThat(slowConsumers).isZero();
    loop.advance(1, TimeUnit.MILLISECONDS);
    assertThat(slowConsumers).isEqualTo(1);
  }

  @Test
  void after_a_drop_nothing_more_is_queued_and_the_client_gets_a_gap_free_prefix_then_the_close() {
    RecordingTransport t = new RecordingTransport();
    t.writable = false;
    ConnectionOutbox o = outbox(t, settings(35, 45, 2));
    o.live(element("e1"), null, 0, loop.clock().nanoTime());
    o.live(element("e2"), null, 0, loop.clock().nanoTime());
    o.live(element("e3"), null, 0, loop.clock().nanoTime());
    t.writable = true;
    o.live(element("e4"), null, 0, loop.clock().nanoTime());
    loop.runPending();
    assertThat(t.messages()).containsExactly("\"e1\"", "\"e2\"");
    assertThat(slowConsumers).isEqualTo(1);
    assertThat(registry.find("opshub.bridge.dropped").counter().count()).isEqualTo(2);
  }

  @Test
  void a_missed_message_ends_the_connection_once_what_it_has_is_written() {
    RecordingTransport t = new RecordingTransport();
    ConnectionOutbox o = outbox(t, settings(35, 45, 1_000));
    t.writable = false;
    burst(3, o);
    o.missed();
    burst(1, o);
    t.writable = true;
    o.flush();
    assertThat(t.messages()).containsExactlyElementsOf(texts(1, 3));
    assertThat(slowConsumers).isEqualTo(1);
  }

  @Test
  void replays_are_admitted_beyond_the_live_bound() {
    RecordingTransport t = new RecordingTransport();
    t.writable = false;
    ConnectionOutbox o = outbox(t, settings(35, 45, 2));
    for (int i = 1; i <= 5; i++) {
      o.replay(element("r" + i), null, 0, loop.clock().nanoTime());
    }
    o.live(element("l1"), null, 0, loop.clock().nanoTime());
    o.live(element("l2"), null, 0, loop.clock().nanoTime());
    assertThat(o.queued()).isEqualTo(7);
    t.writable = true;
    o.flush();
    assertThat(t.messages()).hasSize(7).startsWith("\"r1\"").endsWith("\"l2\"");
    assertThat(slowConsumers).isZero();
  }

  @Test
  void nothing_is_written_after_close() {
    RecordingTransport t = new RecordingTransport();
    ConnectionOutbox o = outbox(t, settings(35, 45, 1_000));
    o.close();
    burst(3, o);
    o.reply(element("pong"));
    loop.runPending();
    assertThat(t.frames).isEmpty();
    assertThat(o.isClosed()).isTrue();
  }

  /** The frames of a timed stream in steady state: without the first ones (pace unknown) and the last one. */
  private static List<Integer> steady(List<Integer> frames) {
    return frames.subList(Math.min(3, frames.size()), Math.max(Math.min(3, frames.size()), frames.size() - 1));
  }
}
