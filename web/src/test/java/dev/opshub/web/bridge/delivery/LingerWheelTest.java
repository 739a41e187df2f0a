package dev.opshub.web.bridge.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LingerWheelTest {

  @Test
  void items_come_out_in_their_slot_and_not_before() {
    LingerWheel<String> wheel = new LingerWheel<>();
    wheel.add("a", 1_005, 1_000);
    wheel.add("b", 1_005, 1_000);
    wheel.add("c", 1_007, 1_000);
    assertThat(wheel.nextOccupied(1_000)).isEqualTo(1_005);
    assertThat(advance(wheel, 1_004)).isEmpty();
    assertThat(advance(wheel, 1_005)).containsExactly("a", "b");
    assertThat(wheel.nextOccupied(1_005)).isEqualTo(1_007);
    assertThat(advance(wheel, 1_010)).containsExactly("c");
    assertThat(wheel.size()).isZero();
    assertThat(wheel.nextOccupied(1_010)).isEqualTo(-1);
  }

  @Test
  void a_deadline_already_passed_goes_into_the_next_slot_not_a_turn_later() {
    LingerWheel<String> wheel = new LingerWheel<>();
    wheel.add("later", 1_100, 1_000);
    wheel.add("early", 1_001, 1_000);
    assertThat(advance(wheel, 1_003)).containsExactly("early");
    assertThat(wheel.add("late", 1_001, 1_003)).as("due at once, in the slot after the one processed").isEqualTo(1_004);
    assertThat(advance(wheel, 1_004)).containsExactly("late");
  }

  @Test
  void deadlines_beyond_a_turn_wait_for_their_round() {
    LingerWheel<String> wheel = new LingerWheel<>();
    wheel.add("far", 1_000 + LingerWheel.SLOTS + 5, 1_000);
    assertThat(advance(wheel, 1_005)).as("same slot, a round too early").isEmpty();
    assertThat(wheel.size()).isEqualTo(1);
    assertThat(advance(wheel, 1_000 + LingerWheel.SLOTS + 5)).containsExactly("far");
  }

  @Test
  void items_no_longer_waiting_are_dropped() {
    LingerWheel<String> wheel = new LingerWheel<>();
    wheel.add("closed", 1_002, 1_000);
    wheel.add("open", 1_002, 1_000);
    List<String> due = new ArrayList<>();
    wheel.advance(1_002, s -> !s.equals("closed"), due::add);
    assertThat(due).containsExactly("open");
    assertThat(wheel.size()).isZero();
  }

  private static List<String> advance(LingerWheel<String> wheel, long nowMs) {
    List<String> due = new ArrayList<>();
    wheel.advance(nowMs, s -> true, due::add);
    return due;
  }
}
