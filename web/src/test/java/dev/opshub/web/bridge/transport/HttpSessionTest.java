package dev.opshub.web.bridge.transport;

import dev.opshub.web.bridge.delivery.ConnectionOutbox;
import dev.opshub.web.bridge.delivery.DeliverySettings;
import dev.opshub.web.bridge.delivery.FlushScheduler;
import dev.opshub.web.bridge.delivery.ManualEventLoop;
import dev.opshub.web.bridge.delivery.SharedFrames;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP session's rules with time stepped by hand: one receiver at a time, polling answers, the response limit,
 * the disconnect delay, close frames, and the connection's outbox writing through it (batching, backpressure,
 * slow consumer).
 */
class HttpSessionTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ManualEventLoop loop = new ManualEventLoop();
  private final List<HttpSession> removed = new ArrayList<>();
  private final Listener listener = new Listener();

  /** A receiving request that records what it got. */
  static final class FakeReceiver implements SessionReceiver {
    final HttpTransportKind kind;
    final StringBuilder body = new StringBuilder();
    long written;
    boolean ended;
    boolean full;

    FakeReceiver(HttpTransportKind kind) {
      this.kind = kind;
    }

    @Override
    public HttpTransportKind kind() {
      return kind;
    }

    @Override
    public boolean full() {
      return full || ended;
    }

    @Override
    public void write(Buffer framed) {
      if (!ended) {
        body.append(framed.toString(StandardCharsets.UTF_8));
        written += framed.length();
      }
    }

    @Override
    public long written() {
      return written;
    }

    @Override
    public void end() {
      ended = true;
    }
  }

  static final class Listener implements TransportListener {
    final List<String> texts = new ArrayList<>();
    int activity;
    int writable;
    int closed;
    Runnable onWritable = () -> { };

    @Override
    public void onText(String text) {
      texts.add(text);
    }

    @Override
    public void onInvalidFrame(String why) {
    }

    @Override
    public void onActivity() {
      activity++;
    }

    @Override
    public void onWritable() {
      writable++;
      onWritable.run();
    }

    @Override
    public void onServerShutdown() {
    }

    @Override
    public void onClosed() {
      closed++;
    }
  }

  private HttpSession session(long responseLimit) {
    return new HttpSession("s1", loop, removed::add, 5_000 * MS, responseLimit);
  }

  /** A session opened by a first receiving request of {@code kind}, as the endpoints and the bridge do it. */
  private HttpSession opened(FakeReceiver first, long responseLimit) {
    HttpSession s = session(responseLimit);
    s.receive(first);
    s.start(listener, loop.clock().nanoTime());
    return s;
  }

  private static OutboundFrame frame(String... messages) {
    OutboundFrame f = new OutboundFrame(10);
    for (String m : messages) {
      f.add(("\"" + m + "\"").getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void a_poll_gets_the_open_frame_then_what_one_task_wrote() {
    FakeReceiver first = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    HttpSession s = opened(first, 128 * 1024);
    loop.runPending();
    assertThat(first.body).hasToString("o\n");
    assertThat(first.ended).isTrue();
    assertThat(s.writable()).as("nobody polls now").isFalse();

    FakeReceiver poll = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    s.receive(poll);
    assertThat(listener.writable).isEqualTo(1);
    assertThat(poll.ended).as("a long poll waits").isFalse();
    s.write(frame("a"), loop.clock().nanoTime());
    s.write(frame("b", "c"), loop.clock().nanoTime());
    assertThat(poll.ended).isFalse();
    loop.runPending();
    assertThat(poll.body).hasToString("a[\"a\"]\na[\"b\",\"c\"]\n");
    assertThat(poll.ended).isTrue();
    assertThat(removed).isEmpty();
  }

  @Test
  void a_second_receiving_request_gets_2010_and_the_first_goes_on() {
    FakeReceiver stream = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    HttpSession s = opened(stream, 128 * 1024);
    FakeReceiver second = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    s.receive(second);
    assertThat(second.body).hasToString("c[2010,\"Another connection still open\"]\n");
    assertThat(second.ended).isTrue();
    s.write(frame("x"), loop.clock().nanoTime());
    assertThat(stream.body).hasToString("o\na[\"x\"]\n");
    assertThat(stream.ended).isFalse();
    assertThat(s.open()).isTrue();
  }

  @Test
  void a_streaming_response_ends_at_the_response_limit_and_the_next_one_takes_over() {
    FakeReceiver stream = new FakeReceiver(HttpTransportKind.EVENTSOURCE);
    HttpSession s = opened(stream, 4096);
    String big = "x".repeat(4096);
    assertThat(s.writable()).isTrue();
    s.write(frame(big), loop.clock().nanoTime());
    assertThat(stream.body.toString()).isEqualTo("data: o\r\n\r\ndata: a[\"" + big + "\"]\r\n\r\n");
    assertThat(stream.ended).isTrue();
    assertThat(s.writable()).isFalse();

    FakeReceiver next = new FakeReceiver(HttpTransportKind.EVENTSOURCE);
    s.receive(next);
    assertThat(s.writable()).isTrue();
    s.write(frame("y"), loop.clock().nanoTime());
    assertThat(next.body).hasToString("data: a[\"y\"]\r\n\r\n");
    assertThat(listener.activity).as("each receiving request shows the client is alive").isEqualTo(1);
  }

  @Test
  void a_full_response_is_not_writable_until_it_drains() {
    FakeReceiver stream = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    HttpSession s = opened(stream, 128 * 1024);
    stream.full = true;
    assertThat(s.writable()).isFalse();
    stream.full = false;
    s.drained(stream);
    assertThat(listener.writable).isEqualTo(1);
    assertThat(s.writable()).isTrue();
  }

  @Test
  void without_a_receiving_request_for_the_disconnect_delay_the_session_closes() {
    FakeReceiver first = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    HttpSession s = opened(first, 128 * 1024);
    loop.advance(4_999, TimeUnit.MILLISECONDS);
    assertThat(listener.closed).isZero();
    FakeReceiver poll = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    s.receive(poll);
    loop.advance(60_000, TimeUnit.MILLISECONDS);
    assertThat(listener.closed).as("a waiting poll keeps the session").isZero();
    s.writeText(SockJsFrames.HEARTBEAT, loop.clock().nanoTime());
    loop.runPending();
    assertThat(poll.body).hasToString("h\n");
    loop.advance(4_999, TimeUnit.MILLISECONDS);
    assertThat(listener.closed).isZero();
    loop.advance(1, TimeUnit.MILLISECONDS);
    assertThat(listener.closed).isEqualTo(1);
    assertThat(s.open()).isFalse();
    assertThat(removed).containsExactly(s);
  }

  @Test
  void a_closed_session_answers_its_close_frame_until_the_timeout() {
    FakeReceiver first = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    HttpSession s = opened(first, 128 * 1024);
    loop.runPending();
    Future<Void> told = s.close("c[3000,\"Go away!\"]", "go_away");
    assertThat(told.isComplete()).as("nobody polls: told when the next poll comes").isFalse();
    loop.advance(100, TimeUnit.MILLISECONDS);
    FakeReceiver poll = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    s.receive(poll);
    assertThat(poll.body).hasToString("c[3000,\"Go away!\"]\n");
    assertThat(told.isComplete()).isTrue();
    FakeReceiver again = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    s.receive(again);
    assertThat(again.body).hasToString("c[3000,\"Go away!\"]\n");
    s.inbound("[\"late\"]");
    assertThat(listener.texts).isEmpty();
    loop.advance(5_000, TimeUnit.MILLISECONDS);
    assertThat(removed).containsExactly(s);
    assertThat(listener.closed).as("the bridge closed it: nothing to tell").isZero();
  }

  @Test
  void closing_with_a_receiver_writes_the_frame_and_ends_it() {
    FakeReceiver stream = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    HttpSession s = opened(stream, 128 * 1024);
    Future<Void> told = s.close(SockJsFrames.close(4000, "node_shutdown"), "node_shutdown");
    assertThat(told.succeeded()).isTrue();
    assertThat(stream.body).hasToString("o\nc[4000,\"node_shutdown\"]\n");
    assertThat(stream.ended).isTrue();
  }

  @Test
  void the_close_future_completes_within_a_second_when_nobody_comes() {
    FakeReceiver first = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    HttpSession s = opened(first, 128 * 1024);
    loop.runPending();
    Future<Void> told = s.close(SockJsFrames.close(4002, "slow_consumer"), "slow_consumer");
    loop.advance(999, TimeUnit.MILLISECONDS);
    assertThat(told.isComplete()).isFalse();
    loop.advance(1, TimeUnit.MILLISECONDS);
    assertThat(told.succeeded()).isTrue();
  }

  @Test
  void an_aborted_receiving_request_interrupts_the_session() {
    FakeReceiver stream = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    HttpSession s = opened(stream, 128 * 1024);
    s.receiverClosed(stream);
    assertThat(listener.closed).isEqualTo(1);
    FakeReceiver next = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    s.receive(next);
    assertThat(next.body).hasToString("c[1002,\"Connection interrupted\"]\n");
    FakeReceiver stale = new FakeReceiver(HttpTransportKind.XHR_STREAMING);
    s.receiverClosed(stale);
    assertThat(listener.closed).as("a request that is not the receiver changes nothing").isEqualTo(1);
  }

  @Test
  void what_the_client_posts_reaches_the_listener_in_order() {
    HttpSession s = opened(new FakeReceiver(HttpTransportKind.XHR_STREAMING), 128 * 1024);
    s.inbound("[\"a\"]");
    s.inbound("[\"b\"]");
    assertThat(listener.texts).containsExactly("[\"a\"]", "[\"b\"]");
  }

  @Test
  void polling_through_the_outbox_batches_between_polls_and_ends_as_a_slow_consumer_when_nobody_polls() {
    BridgeMetrics metrics = new BridgeMetrics(new SimpleMeterRegistry());
    FlushScheduler scheduler = new FlushScheduler(loop, new SharedFrames(metrics, 10));
    // no linger: what waits between polls is written at the next poll
    DeliverySettings settings = new DeliverySettings(10, 0, 0, 1, 20, 1 << 20, false, 5_000 * MS);
    int[] slow = new int[1];
    FakeReceiver first = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    HttpSession s = session(128 * 1024);
    s.receive(first);
    ConnectionOutbox outbox = new ConnectionOutbox(s, scheduler, settings, metrics, 0, () -> slow[0]++);
    listener.onWritable = outbox::flush;
    s.start(listener, loop.clock().nanoTime());
    loop.runPending();

    for (int i = 0; i < 15; i++) {
      outbox.live(("\"m" + i + "\"").getBytes(StandardCharsets.UTF_8), null, 0, loop.clock().nanoTime());
    }
    loop.runPending();
    assertThat(outbox.queued()).as("nobody polls: the messages wait in the bounded queue").isEqualTo(15);
    FakeReceiver poll = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    s.receive(poll);
    loop.runPending();
    assertThat(poll.body.toString().split("\n")).hasSize(2).allMatch(f -> f.startsWith("a["));
    assertThat(poll.body.toString()).contains("\"m0\"", "\"m14\"");
    assertThat(outbox.queued()).isZero();

    for (int i = 0; i < 25; i++) {
      outbox.live(("\"n" + i + "\"").getBytes(StandardCharsets.UTF_8), null, 0, loop.clock().nanoTime());
    }
    loop.runPending();
    assertThat(slow[0]).as("dropped: closed once what it has is written, which needs a poll").isZero();
    FakeReceiver late = new FakeReceiver(HttpTransportKind.XHR_POLLING);
    s.receive(late);
    loop.runPending();
    assertThat(slow[0]).isEqualTo(1);
    assertThat(late.body.toString()).contains("\"n0\"", "\"n19\"").doesNotContain("\"n20\"");
  }
}
