package dev.opshub.web.bridge.delivery;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCutTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void a_frame_takes_at_most_max_messages() {
    assertThat(FrameCut.frameSize(3, 10, 3, false, false)).isEqualTo(3);
    assertThat(FrameCut.frameSize(25, 10, 0, false, false)).isEqualTo(10);
    assertThat(FrameCut.frameSize(25, 10, 5, false, false)).as("not lingering: cut by size").isEqualTo(10);
  }

  @Test
  void a_busy_connection_cuts_before_the_newest_burst() {
    // 12 queued, the newest burst of 3 at the tail: the 9 older ones go, the burst starts the next frame
    assertThat(FrameCut.frameSize(12, 10, 3, true, false)).isEqualTo(9);
    // exactly full: cut only while the newest burst may still be arriving
    assertThat(FrameCut.frameSize(10, 10, 3, true, false)).isEqualTo(10);
    assertThat(FrameCut.frameSize(10, 10, 3, true, true)).isEqualTo(7);
  }

  @Test
  void no_cut_when_the_tail_is_not_a_burst_or_the_older_part_is_not_a_frame() {
    assertThat(FrameCut.frameSize(12, 10, 0, true, false)).as("the tail is not live messages").isEqualTo(10);
    assertThat(FrameCut.frameSize(25, 10, 3, true, false)).as("22 older: more than a frame").isEqualTo(10);
    assertThat(FrameCut.frameSize(12, 10, 12, true, false)).as("all of it one burst").isEqualTo(10);
  }

  @Test
  void only_all_of_a_partial_batch_may_linger() {
    assertThat(FrameCut.mayLinger(4, 4, 10, true)).isTrue();
    assertThat(FrameCut.mayLinger(4, 4, 10, false)).isFalse();
    assertThat(FrameCut.mayLinger(10, 10, 10, true)).as("a full frame goes").isFalse();
    assertThat(FrameCut.mayLinger(9, 12, 10, true)).as("a cut frame goes").isFalse();
  }

  @Test
  void the_grid_instant_is_the_first_of_the_group_at_or_after_the_oldest_message() {
    long period = 40 * MS;
    assertThat(FrameCut.gridDeadline(1_000 * MS, period, 0, 4)).isEqualTo(1_000 * MS);
    assertThat(FrameCut.gridDeadline(1_001 * MS, period, 0, 4)).isEqualTo(1_040 * MS);
    // group 1 of 4 is shifted by a quarter period
    assertThat(FrameCut.gridDeadline(1_001 * MS, period, 1, 4)).isEqualTo(1_010 * MS);
    assertThat(FrameCut.gridDeadline(1_011 * MS, period, 1, 4)).isEqualTo(1_050 * MS);
    // no message waits a whole period
    for (long oldest = 1_000 * MS; oldest < 1_100 * MS; oldest += MS / 3) {
      assertThat(FrameCut.gridDeadline(oldest, period, 3, 4) - oldest).isBetween(0L, period - 1);
    }
  }
}
