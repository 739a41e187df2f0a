package dev.opshub.web.bridge.delivery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionQueueTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> drain(ConnectionQueue q) {
    List<String> out = new ArrayList<>();
    for (ConnectionQueue.Entry e = q.poll(); e != null; e = q.poll()) {
      out.add(new String(e.bytes, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void full_queue_conflates_by_key_keeping_offsets_in_order() {
    ConnectionQueue q = new ConnectionQueue(3, 1_000, true);
    assertThat(q.offer(b("a1"), "a", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("b2"), "b", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("a3"), "a", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("b4"), "b", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.CONFLATED);
    assertThat(q.offer(b("e5"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.DROPPED);
    assertThat(q.offer(b("c6"), "c", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.DROPPED);
    assertThat(q.size()).isEqualTo(3);
    assertThat(drain(q)).containsExactly("a1", "a3", "b4");
    assertThat(q.bytes()).isZero();
  }

  @Test
  void byte_bound_applies_and_conflation_can_be_off() {
    ConnectionQueue q = new ConnectionQueue(100, 10, false);
    assertThat(q.offer(b("12345"), "k", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("12345"), "k", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("1"), "k", 0, false, 0)).isEqualTo(ConnectionQueue.Offer.DROPPED);
    assertThat(q.bytes()).isEqualTo(10);
  }

  @Test
  void forced_entries_do_not_eat_the_live_bound() {
    ConnectionQueue q = new ConnectionQueue(2, 1_000, true);
    for (int i = 0; i < 5; i++) {
      q.offer(b("r" + i), null, 0, true, 0);
    }
    assertThat(q.offer(b("l1"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("l2"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("l3"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.DROPPED);
    assertThat(drain(q)).containsExactly("r0", "r1", "r2", "r3", "r4", "l1", "l2");
    assertThat(q.offer(b("x"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("y"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(q.offer(b("z"), null, 0, false, 0)).isEqualTo(ConnectionQueue.Offer.DROPPED);
  }
}
