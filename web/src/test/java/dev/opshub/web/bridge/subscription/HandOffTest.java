package dev.opshub.web.bridge.subscription;

import dev.opshub.web.bridge.delivery.ConnectionOutbox;
import dev.opshub.web.bridge.delivery.DeliverySettings;
import dev.opshub.web.bridge.delivery.FlushScheduler;
import dev.opshub.web.bridge.delivery.ManualEventLoop;
import dev.opshub.web.bridge.delivery.RecordingTransport;
import dev.opshub.web.bridge.delivery.SharedFrames;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded, batched hand-off from the table's loop to a connection loop. */
class HandOffTest {

  private final ManualEventLoop loop = new ManualEventLoop();
  private final BridgeMetrics metrics = new BridgeMetrics(new SimpleMeterRegistry());
  private final FlushScheduler scheduler = new FlushScheduler(loop, new SharedFrames(metrics, 10));
  private final List<String> events = new ArrayList<>();
  private int slowConsumers;

  private final class Client implements Subscription.Owner {
    final RecordingTransport transport = new RecordingTransport();
    final ConnectionOutbox outbox = new ConnectionOutbox(transport, scheduler,
        new DeliverySettings(10, 0, 0, 1, 1_000, 1 << 20, true, 5_000_000_000L), metrics, 0, () -> slowConsumers++);
    final Subscription sub = new Subscription("ops.x", ResumeRequest.LIVE, outbox, this);

    @Override
    public void registrationDone() {
      events.add("started");
    }

    @Override
    public void registrationRefused(Subscription subscription, String detail) {
      events.add("refused");
    }
  }

  private static EncodedMessage message(long offset) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("epoch", "1").add("offset", Long.toString(offset));
    return EncodedMessage.of("ops.x", headers, new JsonObject().put("n", offset), 0);
  }

  private static ResumePlan live() {
    return new ResumePlan(ResumePlan.Outcome.LIVE, List.of(), EncodedMessage.NONE, EncodedMessage.NONE);
  }

  @Test
  void messages_offered_before_the_loop_runs_go_in_one_task_and_in_order() {
    Client a = new Client();
    Client b = new Client();
    HandOff handOff = new HandOff(scheduler, 100, metrics);
    Subscription[] subs = {a.sub, b.sub};
    for (int i = 1; i <= 12; i++) {
      assertThat(handOff.offer(message(i), subs)).isTrue();
    }
    assertThat(handOff.depth()).isEqualTo(12);
    assertThat(a.transport.frames).isEmpty();
    loop.runPending();
    assertThat(handOff.depth()).isZero();
    // one burst: each connection flushed once at its end, as frames of 10 and 2
    assertThat(a.transport.sizes()).containsExactly(10, 2);
    assertThat(b.transport.sizes()).containsExactly(10, 2);
  }

  @Test
  void a_start_reaches_the_subscription_between_the_messages_offered_around_it() {
    Client a = new Client();
    HandOff handOff = new HandOff(scheduler, 100, metrics);
    Subscription[] none = {};
    Subscription[] withA = {a.sub};
    handOff.offer(message(1), none);
    handOff.control(() -> a.sub.start(live()));
    handOff.offer(message(2), withA);
    loop.runPending();
    assertThat(events).containsExactly("started");
    assertThat(a.transport.messages()).hasSize(1).allMatch(m -> m.contains("\\\"n\\\":2"));
  }

  @Test
  void past_its_bound_the_loop_is_overloaded_and_its_subscribers_end_as_slow_consumers_after_a_gap_free_prefix() {
    Client a = new Client();
    HandOff handOff = new HandOff(scheduler, 5, metrics);
    Subscription[] subs = {a.sub};
    for (int i = 1; i <= 5; i++) {
      assertThat(handOff.offer(message(i), subs)).isTrue();
    }
    assertThat(handOff.offer(message(6), subs)).as("the bound is reached").isFalse();
    assertThat(handOff.offer(message(7), subs)).as("overloaded until drained").isFalse();
    loop.runPending();
    assertThat(a.transport.messages()).hasSize(5);
    assertThat(slowConsumers).isEqualTo(1);
    assertThat(handOff.offer(message(8), new Subscription[0])).as("drained: offers go through again").isTrue();
  }

  @Test
  void a_shed_message_is_missed_by_every_subscriber() {
    Client a = new Client();
    Client b = new Client();
    HandOff handOff = new HandOff(scheduler, 100, metrics);
    handOff.offer(message(1), new Subscription[] {a.sub, b.sub});
    handOff.missed(new Subscription[] {a.sub, b.sub});
    loop.runPending();
    assertThat(a.transport.messages()).hasSize(1);
    assertThat(b.transport.messages()).hasSize(1);
    assertThat(slowConsumers).isEqualTo(2);
  }

  @Test
  void a_closed_subscription_gets_nothing_more() {
    Client a = new Client();
    HandOff handOff = new HandOff(scheduler, 100, metrics);
    a.sub.close();
    handOff.offer(message(1), new Subscription[] {a.sub});
    loop.runPending();
    assertThat(a.transport.frames).isEmpty();
  }

  @Test
  void a_subscription_never_gets_a_duplicate_or_an_older_epoch() {
    Client a = new Client();
    assertThat(a.sub.accept(message(3))).isTrue();
    assertThat(a.sub.accept(message(3))).isFalse();
    assertThat(a.sub.accept(message(2))).isFalse();
    assertThat(a.sub.accept(message(4))).isTrue();
    MultiMap older = MultiMap.caseInsensitiveMultiMap().add("epoch", "0").add("offset", "9");
    assertThat(a.sub.accept(EncodedMessage.of("ops.x", older, new JsonObject(), 0))).isFalse();
  }
}
