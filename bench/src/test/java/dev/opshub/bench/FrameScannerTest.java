package dev.opshub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameScannerTest {

  private static String rec(long seq, long ts, long offset) {
    return new JsonObject().put("type", "rec").put("address", "ops.bench")
      .put("headers", new JsonObject().put("epoch", "1764000000000").put("offset", Long.toString(offset)))
      .put("body", new JsonObject().put("seq", seq).put("ts", ts).put("pad", "x\"y\\z")).encode();
  }

  private static List<long[]> scan(String frame, boolean headers, int[] count) {
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    List<long[]> seen = new ArrayList<>();
    count[0] = new FrameScanner().scan(bytes, bytes.length, headers, m ->
      seen.add(new long[]{m.type.ordinal(), m.seq, m.ts, m.offset, m.epoch == null ? -1 : Long.parseLong(m.epoch)}));
    return seen;
  }

  @Test
  void readsEveryMessageOfABatch() {
    String frame = "a" + new JsonArray().add(rec(1, 100, 11)).add(rec(2, 200, 12)).add(rec(3, 300, 13)).encode();
    int[] count = new int[1];
    List<long[]> seen = scan(frame, true, count);
    assertThat(count[0]).isEqualTo(3);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(0)).containsExactly(BridgeMessage.Type.REC.ordinal(), 1, 100, 11, 1764000000000L);
    assertThat(seen.get(2)).containsExactly(BridgeMessage.Type.REC.ordinal(), 3, 300, 13, 1764000000000L);
  }

  @Test
  void readsTheSkippedCountWhereTheBodyHasOneOnBothPaths() {
    String skipping = new JsonObject().put("type", "rec").put("address", "ops.bench")
      .put("body", new JsonObject().put("seq", 9).put("ts", 900).put("pad", "").put("skipped", 80)).encode();
    String frame = "a" + new JsonArray().add(rec(8, 800, 1)).add(skipping).encode();
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    List<Long> skipped = new ArrayList<>();
    assertThat(new FrameScanner().scan(bytes, bytes.length, false, m -> skipped.add(m.skipped))).isEqualTo(2);
    assertThat(skipped).containsExactly(-1L, 80L);
    assertThat(new BridgeMessage().read(skipping, false).skipped).isEqualTo(80);
    assertThat(new BridgeMessage().read(rec(8, 800, 1), false).skipped).isEqualTo(-1);
  }

  @Test
  void errorsGoThroughTheTextPathAndOddFramesAreRefused() {
    String frame = "a" + new JsonArray().add(rec(5, 500, 1)).add("{\"type\":\"err\",\"body\":\"access_denied\"}").encode();
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    List<String> seen = new ArrayList<>();
    int n = new FrameScanner().scan(bytes, bytes.length, false, m -> seen.add(m.type + ":" + (m.error == null ? m.seq : m.error)));
    assertThat(n).isEqualTo(2);
    assertThat(seen).containsExactly("REC:5", "ERR:access_denied");

    byte[] spaced = "a[ \"x\" ]".getBytes(StandardCharsets.UTF_8);
    assertThat(new FrameScanner().scan(spaced, spaced.length, false, m -> { })).isEqualTo(-1);
  }
}
