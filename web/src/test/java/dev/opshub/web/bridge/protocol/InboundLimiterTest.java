package dev.opshub.web.bridge.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InboundLimiterTest {

  private static final long T0 = 1_000_000_000_000L;
  private static final long MS = 1_000_000L;

  @Test
  void a_second_of_burst_then_the_rate() {
    InboundLimiter limiter = new InboundLimiter(10, T0);
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.take(T0)).isEqualTo(InboundLimiter.Verdict.ACCEPTED);
    }
    assertThat(limiter.take(T0)).isEqualTo(InboundLimiter.Verdict.REFUSED);
    assertThat(limiter.take(T0 + 99 * MS)).as("a token takes 100 ms").isEqualTo(InboundLimiter.Verdict.REFUSED);
    assertThat(limiter.take(T0 + 201 * MS)).isEqualTo(InboundLimiter.Verdict.ACCEPTED);
  }

  @Test
  void more_than_ten_times_the_rate_refused_within_a_second_is_a_flood() {
    InboundLimiter limiter = new InboundLimiter(10, T0);
    for (int i = 0; i < 10; i++) {
      limiter.take(T0);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.take(T0 + i * 1_000L)).isEqualTo(InboundLimiter.Verdict.REFUSED);
    }
    assertThat(limiter.take(T0 + 100_000L)).isEqualTo(InboundLimiter.Verdict.FLOOD);
  }

  @Test
  void refusals_are_counted_per_second() {
    InboundLimiter limiter = new InboundLimiter(1, T0);
    limiter.take(T0);
    for (int s = 0; s < 5; s++) {
      long second = T0 + s * 1_001 * MS;
      // ten refusals a second at a rate of 1: never more than ten times the rate within one second
      for (int i = 0; i < 10; i++) {
        assertThat(limiter.take(second + i)).isNotEqualTo(InboundLimiter.Verdict.FLOOD);
      }
    }
  }
}
