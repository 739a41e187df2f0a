package dev.opshub.web.bridge.delivery;

import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FlushSchedulerTest {

  private final ManualEventLoop loop = new ManualEventLoop();
  private final FlushScheduler scheduler = new FlushScheduler(loop, new SharedFrames(new BridgeMetrics(new SimpleMeterRegistry()), 10));
  private final List<String> flushed = new ArrayList<>();

  /** A connection that records when it is flushed. */
  private final class Target implements FlushScheduler.Flushable {
    final String name;
    boolean closed;

    Target(String name) {
      this.name = name;
    }

    @Override
    public void flushInRun() {
      flushed.add(name + "@" + TimeUnit.NANOSECONDS.toMicros(loop.clock().nanoTime() - start));
    }

    @Override
    public boolean isClosed() {
      return closed;
    }
  }

  private final long start = loop.clock().nanoTime();

  private FlushScheduler.Handle handle(String name) {
    return scheduler.register(new Target(name));
  }

  @Test
  void marks_outside_a_burst_post_one_flush_for_all() {
    FlushScheduler.Handle a = handle("a");
    FlushScheduler.Handle b = handle("b");
    a.mark();
    a.mark();
    b.mark();
    assertThat(flushed).isEmpty();
    loop.runPending();
    assertThat(flushed).containsExactly("a@0", "b@0");
    a.mark();
    loop.runPending();
    assertThat(flushed).containsExactly("a@0", "b@0", "a@0");
  }

  @Test
  void marks_within_a_burst_are_flushed_when_it_ends() {
    FlushScheduler.Handle a = handle("a");
    scheduler.beginBurst();
    a.mark();
    scheduler.beginBurst();
    a.mark();
    scheduler.endBurst();
    assertThat(flushed).as("the outer burst is still on").isEmpty();
    scheduler.endBurst();
    assertThat(flushed).containsExactly("a@0");
    loop.runPending();
    assertThat(flushed).as("nothing was posted").containsExactly("a@0");
  }

  @Test
  void lingering_connections_share_one_timer_that_fires_in_the_middle_of_their_slot() {
    long now = loop.clock().nanoTime();
    long slot = Math.floorDiv(now, 1_000_000L) + 20;
    FlushScheduler.Handle a = handle("a");
    FlushScheduler.Handle b = handle("b");
    a.linger(slot * 1_000_000L + 100_000L);
    b.linger(slot * 1_000_000L + 900_000L);
    assertThat(a.lingering()).isTrue();
    assertThat(loop.timersArmed()).isEqualTo(1);
    loop.advance(20, TimeUnit.MILLISECONDS);
    assertThat(flushed).isEmpty();
    loop.advance(1, TimeUnit.MILLISECONDS);
    long middle = slot * 1_000_000L + 500_000L - start;
    assertThat(flushed).containsExactly("a@" + middle / 1_000, "b@" + middle / 1_000);
    assertThat(a.lingering()).isFalse();
    assertThat(loop.timersPending()).as("nothing lingers any more").isZero();
  }

  @Test
  void an_earlier_deadline_re_arms_the_timer() {
    long ms = Math.floorDiv(loop.clock().nanoTime(), 1_000_000L);
    FlushScheduler.Handle late = handle("late");
    FlushScheduler.Handle early = handle("early");
    late.linger((ms + 30) * 1_000_000L);
    early.linger((ms + 10) * 1_000_000L);
    assertThat(loop.timersArmed()).isEqualTo(2);
    loop.advance(11, TimeUnit.MILLISECONDS);
    assertThat(flushed).hasSize(1).allMatch(s -> s.startsWith("early@"));
    assertThat(late.lingering()).isTrue();
    loop.advance(20, TimeUnit.MILLISECONDS);
    assertThat(flushed).hasSize(2).last().matches(s -> s.startsWith("late@"));
  }

  @Test
  void a_connection_closed_while_it_lingers_is_not_flushed() {
    Target target = new Target("gone");
    FlushScheduler.Handle h = scheduler.register(target);
    h.linger(loop.clock().nanoTime() + 5_000_000L);
    target.closed = true;
    loop.advance(10, TimeUnit.MILLISECONDS);
    assertThat(flushed).isEmpty();
  }

  @Test
  void a_lingering_connection_is_filed_once() {
    FlushScheduler.Handle h = handle("a");
    long deadline = loop.clock().nanoTime() + 5_000_000L;
    h.linger(deadline);
    h.linger(deadline + 1_000_000L);
    loop.advance(10, TimeUnit.MILLISECONDS);
    assertThat(flushed).hasSize(1);
  }
}
