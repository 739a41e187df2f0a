package dev.opshub.web.bridge.subscription;

import dev.opshub.web.bridge.delivery.ManualEventLoop;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IngressProbeTest {

  @Test
  void the_table_lags_while_a_probe_waits_longer_than_the_bound() {
    ManualEventLoop table = new ManualEventLoop();
    IngressProbe probe = new IngressProbe(table, 1_000);
    probe.probe();
    table.manualClock().advance(999, TimeUnit.MILLISECONDS);
    assertThat(probe.lagging()).isFalse();
    table.manualClock().advance(2, TimeUnit.MILLISECONDS);
    assertThat(probe.lagging()).as("the probe in flight waits 1,001 ms").isTrue();
    probe.probe();
    table.runPending();
    assertThat(probe.lagging()).as("the measured wait stands until the next probe").isTrue();
    probe.probe();
    table.runPending();
    assertThat(probe.lagging()).as("the loop caught up").isFalse();
  }
}
