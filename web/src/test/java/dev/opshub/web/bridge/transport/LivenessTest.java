package dev.opshub.web.bridge.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LivenessTest {

  private static final long T0 = 1_000_000_000_000L;
  private static final long MS = 1_000_000L;

  @Test
  void a_silent_client_times_out_and_an_idle_socket_gets_heartbeats() {
    Liveness liveness = new Liveness(60_000, 25_000, T0);
    assertThat(liveness.check(T0 + 24_999 * MS, T0, true)).isEqualTo(Liveness.Verdict.ALIVE);
    assertThat(liveness.check(T0 + 25_000 * MS, T0, true)).isEqualTo(Liveness.Verdict.HEARTBEAT);
    assertThat(liveness.check(T0 + 25_000 * MS, T0, false)).as("a full socket gets no heartbeat").isEqualTo(Liveness.Verdict.ALIVE);
    assertThat(liveness.check(T0 + 25_000 * MS, T0 + 10_000 * MS, true)).as("written 15 s ago").isEqualTo(Liveness.Verdict.ALIVE);
    assertThat(liveness.check(T0 + 60_001 * MS, T0 + 60_000 * MS, true)).isEqualTo(Liveness.Verdict.TIMED_OUT);
    liveness.inbound(T0 + 50_000 * MS);
    assertThat(liveness.check(T0 + 60_001 * MS, T0 + 60_000 * MS, true)).isEqualTo(Liveness.Verdict.ALIVE);
  }

  @Test
  void it_is_checked_four_times_per_shorter_period() {
    assertThat(Liveness.tickMillis(60_000, 25_000)).isEqualTo(6_250);
    assertThat(Liveness.tickMillis(20, 25_000)).isEqualTo(10);
  }
}
