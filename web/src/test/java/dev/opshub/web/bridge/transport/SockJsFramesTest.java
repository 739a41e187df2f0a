package dev.opshub.web.bridge.transport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Elements escape what SockJS servers escape; HTTP framings are built once per frame and framing. */
class SockJsFramesTest {

  @Test
  void elements_escape_the_characters_sockjs_escapes_and_decode_to_the_same_text() {
    StringBuilder all = new StringBuilder();
    for (char c = 0x20; c < 0xFFFF; c++) {
      if (!Character.isSurrogate(c)) {
        all.append(c);
      }
    }
    all.append('\uffff');
    String text = all.toString();
    byte[] element = SockJsFrames.element(new JsonObject().put("t", text));
    String wire = new String(element, StandardCharsets.UTF_8);
    for (char c : new char[] {'\u200c', '\u200f', '\u2028', '\u202f', '\u2060', '\u206f', '\ufff0', '\uffff'}) {
      assertThat(wire).doesNotContain(String.valueOf(c)).contains(String.format("\\u%04x", (int) c));
    }
    assertThat(wire).contains("\u200b", "\u2030", "\u205f", "\u2070", "\uffef");
    String inner = (String) new JsonArray("[" + wire + "]").getValue(0);
    assertThat(new JsonObject(inner).getString("t")).isEqualTo(text);
  }

  @Test
  void text_without_such_characters_is_left_as_jackson_wrote_it() {
    assertThat(SockJsFrames.escapeForSockJs("\"{\\\"a\\\":\\\"b \\u0001 é\\\"}\"")).isEqualTo("\"{\\\"a\\\":\\\"b \\u0001 é\\\"}\"");
  }

  @Test
  void http_framings_are_built_once_and_eventsource_escapes_percent() {
    OutboundFrame frame = new OutboundFrame(10);
    frame.add("\"50 %\"".getBytes(StandardCharsets.UTF_8));
    frame.add("\"b\"".getBytes(StandardCharsets.UTF_8));
    var xhr = frame.httpFrame(HttpTransportKind.Framing.XHR);
    assertThat(xhr.toString()).isEqualTo("a[\"50 %\",\"b\"]\n");
    assertThat(frame.httpFrame(HttpTransportKind.Framing.XHR)).isSameAs(xhr);
    assertThat(frame.httpFrame(HttpTransportKind.Framing.EVENT_SOURCE).toString()).isEqualTo("data: a[\"50 %25\",\"b\"]\r\n\r\n");
    assertThat(frame.takeEncodings()).isEqualTo(2);
    assertThat(HttpTransportKind.Framing.EVENT_SOURCE.text("c[4000,\"100%\"]").toString()).isEqualTo("data: c[4000,\"100%25\"]\r\n\r\n");
    frame.clear();
    frame.add("\"c\"".getBytes(StandardCharsets.UTF_8));
    assertThat(frame.httpFrame(HttpTransportKind.Framing.XHR).toString()).isEqualTo("a[\"c\"]\n");
  }
}
