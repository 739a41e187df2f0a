package dev.opshub.web.bridge.delivery;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BurstPaceTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long T0 = 1_000_000 * MS;

  /** A pace with a 35 ms linger, a 45 ms fill wait and frames of 10, started at T0. */
  private static BurstPace pace() {
    return new BurstPace(35 * MS, 45 * MS, 10, T0);
  }

  /** {@code size} live messages arriving at {@code at}. */
  private static void burst(BurstPace pace, long at, int size) {
    for (int i = 0; i < size; i++) {
      pace.arrival(at);
      pace.queuedLive();
    }
  }

  @Test
  void arrivals_within_the_burst_span_are_one_burst() {
    BurstPace pace = pace();
    burst(pace, T0 + 10 * MS, 1);
    burst(pace, T0 + 11 * MS, 1);
    burst(pace, T0 + 10 * MS + BurstPace.BURST_SPAN_NANOS, 1);
    assertThat(pace.tailMessages()).isEqualTo(3);
    assertThat(pace.busy()).as("one burst so far").isFalse();
    burst(pace, T0 + 10 * MS + BurstPace.BURST_SPAN_NANOS + 1, 1);
    assertThat(pace.tailMessages()).as("a new burst starts the tail again").isEqualTo(1);
    assertThat(pace.busy()).as("two bursts within a linger").isTrue();
  }

  @Test
  void a_connection_is_busy_while_bursts_keep_coming_within_the_linger() {
    BurstPace pace = pace();
    burst(pace, T0 + 5 * MS, 1);
    assertThat(pace.busy()).isFalse();
    burst(pace, T0 + 20 * MS, 1);
    assertThat(pace.busy()).isTrue();
    // the window rolls over at T0 + 40: the previous window's two bursts still count
    burst(pace, T0 + 41 * MS, 1);
    assertThat(pace.busy()).isTrue();
    // a pause longer than two lingers: neither window holds two bursts
    burst(pace, T0 + 200 * MS, 1);
    assertThat(pace.busy()).isFalse();
  }

  @Test
  void two_messages_every_10_ms_fill_a_frame_within_the_fill_wait() {
    BurstPace pace = pace();
    assertThat(pace.flushPeriod()).as("before any pace is known").isEqualTo(35 * MS);
    for (int i = 0; i < 20; i++) {
      burst(pace, T0 + i * 10 * MS, 2);
    }
    // 2 per 10 ms: 9 messages in 45 ms, above four fifths of a frame
    assertThat(pace.flushPeriod()).isEqualTo(45 * MS);
  }

  @Test
  void the_pace_decides_not_the_burst_size() {
    BurstPace ones = pace();
    for (int i = 0; i < 40; i++) {
      burst(ones, T0 + i * 5 * MS, 1);
    }
    // 1 per 5 ms fills a frame like 2 per 10 ms
    assertThat(ones.flushPeriod()).isEqualTo(45 * MS);
    BurstPace slow = pace();
    for (int i = 0; i < 20; i++) {
      burst(slow, T0 + i * 10 * MS, 1);
    }
    // 1 per 10 ms: 4.5 in 45 ms, so waiting longer would mostly add latency
    assertThat(slow.flushPeriod()).isEqualTo(35 * MS);
  }

  @Test
  void a_pause_is_not_an_interval_of_the_traffic() {
    BurstPace pace = pace();
    for (int i = 0; i < 10; i++) {
      burst(pace, T0 + i * 5 * MS, 1);
    }
    assertThat(pace.flushPeriod()).isEqualTo(45 * MS);
    // 1 s of silence, then the same pace again: the pause does not slow the estimate down
    long after = T0 + 1_045 * MS;
    for (int i = 0; i < 3; i++) {
      burst(pace, after + i * 5 * MS, 1);
    }
    assertThat(pace.flushPeriod()).isEqualTo(45 * MS);
  }

  @Test
  void without_a_fill_wait_the_period_is_the_linger() {
    BurstPace pace = new BurstPace(35 * MS, 0, 10, T0);
    for (int i = 0; i < 20; i++) {
      burst(pace, T0 + i * 5 * MS, 2);
    }
    assertThat(pace.flushPeriod()).isEqualTo(35 * MS);
  }

  @Test
  void the_newest_burst_is_incomplete_while_it_is_smaller_than_usual_and_young() {
    BurstPace pace = pace();
    for (int i = 0; i < 10; i++) {
      burst(pace, T0 + i * 10 * MS, 3);
    }
    long last = T0 + 100 * MS;
    burst(pace, last, 1);
    assertThat(pace.newestBurstIncomplete(last + MS)).as("1 of usually 3, 1 ms old").isTrue();
    burst(pace, last + MS, 2);
    assertThat(pace.newestBurstIncomplete(last + MS)).as("all 3 arrived").isFalse();
    assertThat(pace.newestBurstIncomplete(last + BurstPace.BURST_SPAN_NANOS + 1)).as("older than the burst span").isFalse();
  }

  @Test
  void anything_but_live_messages_at_the_tail_breaks_it() {
    BurstPace pace = pace();
    burst(pace, T0, 3);
    pace.tailBroken();
    assertThat(pace.tailMessages()).isZero();
    burst(pace, T0 + MS, 2);
    assertThat(pace.tailMessages()).isEqualTo(2);
    pace.written(1);
    assertThat(pace.tailMessages()).as("a frame took all but one").isEqualTo(1);
  }
}
