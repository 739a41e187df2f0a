package dev.opshub.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BridgeMessageTest {

  @Test
  void readsRecordFieldsAndHeaders() {
    String rec = "{\"type\":\"rec\",\"address\":\"ops.bench\",\"headers\":{\"epoch\":\"1764000000000\",\"offset\":\"42\"},"
      + "\"body\":{\"seq\":41,\"ts\":1764000000123,\"pad\":\"xx\"}}";
    BridgeMessage m = new BridgeMessage().read(rec, true);
    assertThat(m.type).isEqualTo(BridgeMessage.Type.REC);
    assertThat(m.seq).isEqualTo(41);
    assertThat(m.ts).isEqualTo(1764000000123L);
    assertThat(m.epoch).isEqualTo("1764000000000");
    assertThat(m.offset).isEqualTo(42);
    assertThat(m.snapshot).isFalse();
  }

  @Test
  void toleratesSpacesAndReadsSnapshotAndErrors() {
    BridgeMessage m = new BridgeMessage().read(
      "{ \"type\" : \"rec\", \"headers\": {\"snapshot\": \"true\"}, \"body\": {\"ts\": 5, \"seq\": 7} }", true);
    assertThat(m.type).isEqualTo(BridgeMessage.Type.REC);
    assertThat(m.seq).isEqualTo(7);
    assertThat(m.ts).isEqualTo(5);
    assertThat(m.snapshot).isTrue();
    assertThat(m.offset).isEqualTo(-1);

    BridgeMessage err = new BridgeMessage().read("{\"type\":\"err\",\"body\":\"access_denied\"}", false);
    assertThat(err.type).isEqualTo(BridgeMessage.Type.ERR);
    assertThat(err.error).isEqualTo("access_denied");
  }

  @Test
  void closeFrameReason() {
    assertThat(BenchConnection.closeReasonOf("c[4001,\"slow_consumer\"]")).isEqualTo("4001 slow_consumer");
  }
}
