package dev.opshub.web.bridge.subscription;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The resume rules: replay, snapshot or live only, decided on the window's contents. */
class HistoryWindowTest {

  private static final long T0 = 1_000_000_000_000L;
  private static final long NONE = EncodedMessage.NONE;

  private static EncodedMessage message(long epoch, long offset, String key, long atNanos) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("epoch", Long.toString(epoch)).add("offset", Long.toString(offset));
    JsonObject body = new JsonObject().put("n", offset);
    if (key != null) {
      body.put("key", key);
    }
    return EncodedMessage.of("ops.x", headers, body, atNanos);
  }

  private static HistoryWindow window(long epoch, int from, int to) {
    HistoryWindow w = new HistoryWindow(1_000, 60_000, 100);
    for (int i = from; i <= to; i++) {
      w.record(message(epoch, i, "k" + (i % 3), T0));
    }
    return w;
  }

  private static List<Long> offsets(ResumePlan plan) {
    return plan.first().stream().map(f -> new JsonObject(new JsonObject("{\"s\":" + new String(f.element(), StandardCharsets.UTF_8) + "}")
        .getString("s")).getJsonObject("body").getLong("n")).toList();
  }

  private static boolean snapshotMarked(ResumePlan plan) {
    return plan.first().stream().allMatch(f -> new String(f.element(), StandardCharsets.UTF_8).contains("\\\"snapshot\\\":\\\"true\\\""));
  }

  @Test
  void a_register_without_headers_gets_live_messages_only() {
    ResumePlan plan = window(7, 1, 10).plan(ResumeRequest.LIVE, T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.LIVE);
    assertThat(plan.first()).isEmpty();
    assertThat(plan.filterEpoch()).isEqualTo(NONE);
  }

  @Test
  void a_resume_within_the_window_gets_every_missed_message_in_order() {
    ResumePlan plan = window(7, 1, 10).plan(new ResumeRequest(7, 4, false), T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.RESUMED);
    assertThat(offsets(plan)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(plan.filterEpoch()).isEqualTo(7);
    assertThat(plan.filterOffset()).as("live messages up to 10 are duplicates").isEqualTo(10);
  }

  @Test
  void a_resume_at_the_newest_offset_gets_nothing_first() {
    ResumePlan plan = window(7, 1, 10).plan(new ResumeRequest(7, 10, false), T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.RESUMED);
    assertThat(plan.first()).isEmpty();
  }

  @Test
  void a_resume_right_before_the_window_start_is_still_a_hit() {
    ResumePlan plan = window(7, 5, 10).plan(new ResumeRequest(7, 4, false), T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.RESUMED);
    assertThat(offsets(plan)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void an_offset_older_than_the_window_gets_the_newest_per_key_as_snapshot() {
    ResumePlan plan = window(7, 5, 10).plan(new ResumeRequest(7, 2, false), T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.RESUME_MISSED);
    assertThat(offsets(plan)).containsExactlyInAnyOrder(8L, 9L, 10L);
    assertThat(snapshotMarked(plan)).isTrue();
    assertThat(plan.filterOffset()).isEqualTo(10);
  }

  @Test
  void an_unknown_epoch_gets_a_snapshot_and_skips_nothing_newer() {
    ResumePlan plan = window(7, 1, 10).plan(new ResumeRequest(3, 99, false), T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.RESUME_MISSED);
    assertThat(plan.filterEpoch()).as("an older epoch: this window's position").isEqualTo(7);
    assertThat(plan.filterOffset()).isEqualTo(10);
  }

  @Test
  void a_client_that_saw_more_than_this_node_skips_what_it_already_has() {
    ResumePlan newerEpoch = window(7, 1, 10).plan(new ResumeRequest(9, 4, false), T0);
    assertThat(newerEpoch.outcome()).isEqualTo(ResumePlan.Outcome.RESUME_MISSED);
    assertThat(newerEpoch.filterEpoch()).isEqualTo(9);
    assertThat(newerEpoch.filterOffset()).isEqualTo(4);
    ResumePlan ahead = window(7, 1, 10).plan(new ResumeRequest(7, 15, false), T0);
    assertThat(ahead.filterOffset()).as("same epoch, offset 15 beyond the node's 10").isEqualTo(15);
  }

  @Test
  void snapshot_on_request_even_with_a_resumable_position() {
    ResumePlan plan = window(7, 1, 10).plan(new ResumeRequest(7, 9, true), T0);
    assertThat(plan.outcome()).isEqualTo(ResumePlan.Outcome.SNAPSHOT);
    assertThat(offsets(plan)).containsExactlyInAnyOrder(8L, 9L, 10L);
  }

  @Test
  void a_gap_in_the_offsets_empties_the_window_so_resumes_before_it_miss() {
    HistoryWindow w = window(7, 1, 5);
    w.record(message(7, 8, "k0", T0));
    assertThat(w.plan(new ResumeRequest(7, 3, false), T0).outcome()).isEqualTo(ResumePlan.Outcome.RESUME_MISSED);
    assertThat(offsets(w.plan(new ResumeRequest(7, 7, false), T0))).as("right before the gap's end").containsExactly(8L);
  }

  @Test
  void a_new_epoch_starts_a_new_window() {
    HistoryWindow w = window(7, 1, 5);
    w.record(message(8, 1, "k1", T0));
    assertThat(w.plan(new ResumeRequest(7, 3, false), T0).outcome()).isEqualTo(ResumePlan.Outcome.RESUME_MISSED);
    assertThat(offsets(w.plan(new ResumeRequest(8, 0, false), T0))).containsExactly(1L);
  }

  @Test
  void duplicates_and_late_messages_are_not_replayed_twice() {
    HistoryWindow w = window(7, 1, 5);
    w.record(message(7, 3, "k0", T0));
    assertThat(offsets(w.plan(new ResumeRequest(7, 2, false), T0))).containsExactly(3L, 4L, 5L);
  }

  @Test
  void the_window_keeps_its_age_bound() {
    HistoryWindow w = new HistoryWindow(1_000, 60_000, 100);
    w.record(message(7, 1, null, T0));
    w.record(message(7, 2, null, T0 + TimeUnit.SECONDS.toNanos(30)));
    ResumePlan plan = w.plan(new ResumeRequest(7, 0, false), T0 + TimeUnit.SECONDS.toNanos(61));
    assertThat(plan.outcome()).as("offset 1 aged out: 0 can no longer be resumed").isEqualTo(ResumePlan.Outcome.RESUME_MISSED);
    assertThat(offsets(w.plan(new ResumeRequest(7, 1, false), T0 + TimeUnit.SECONDS.toNanos(61)))).containsExactly(2L);
  }

  @Test
  void the_snapshot_keeps_the_newest_per_key_within_its_bound() {
    HistoryWindow w = new HistoryWindow(1_000, 60_000, 2);
    w.record(message(7, 1, "a", T0));
    w.record(message(7, 2, "b", T0));
    w.record(message(7, 3, "a", T0));
    w.record(message(7, 4, "c", T0));
    assertThat(offsets(w.plan(new ResumeRequest(NONE, NONE, true), T0))).as("b was the least recently updated")
        .containsExactly(3L, 4L);
  }
}
