package dev.opshub.web.internal;

import io.netty.buffer.Unpooled;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TextFrameWritesTest {

  @Test
  void a_text_frame_is_made_from_encoded_bytes_without_a_string() {
    assertThat(TextFrameWrites.internal()).as("WebSocketFrameImpl(type, ByteBuf, final) is there").isTrue();
    WebSocketFrame frame = TextFrameWrites.textFrame(Unpooled.copiedBuffer("a[\"é\"]", StandardCharsets.UTF_8));
    assertThat(frame.isText()).isTrue();
    assertThat(frame.isFinal()).isTrue();
    assertThat(frame.textData()).isEqualTo("a[\"é\"]");
  }
}
