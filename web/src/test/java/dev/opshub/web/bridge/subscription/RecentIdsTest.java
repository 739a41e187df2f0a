package dev.opshub.web.bridge.subscription;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTest {

  @Test
  void an_id_seen_is_a_copy_until_it_is_forgotten() {
    RecentIds ids = new RecentIds(2);
    assertThat(ids.seen("a")).isFalse();
    assertThat(ids.seen("a")).isTrue();
    assertThat(ids.seen("b")).isFalse();
    assertThat(ids.seen("c")).as("a, the oldest, is forgotten").isFalse();
    assertThat(ids.seen("a")).isFalse();
    assertThat(ids.seen("c")).isTrue();
  }

  @Test
  void a_zero_window_checks_nothing() {
    RecentIds ids = new RecentIds(0);
    assertThat(ids.seen("a")).isFalse();
    assertThat(ids.seen("a")).isFalse();
  }
}
