package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.ErrorCodes;
import dev.opshub.web.bridge.subscription.EncodedMessage;
import dev.opshub.web.bridge.subscription.ResumeRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestParserTest {

  private final RequestParser parser = new RequestParser(100, 60);
  private final List<String> messages = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();

  private void read(String frame) {
    parser.readFrame(frame, messages::add, refusals::add, () -> false);
  }

  @Test
  void a_frame_is_an_array_of_strings_or_one_string() {
    read("[\"a\",\"b\"]");
    read("\"c\"");
    read("   ");
    assertThat(messages).containsExactly("a", "b", "c");
    assertThat(refusals).isEmpty();
  }

  @Test
  void malformed_or_oversized_frames_are_refused_with_their_code() {
    read("[\"a\",1,\"b\"]");
    read("{\"type\":\"ping\"}");
    read("[\"a\"");
    read("[\"" + "x".repeat(100) + "\"]");
    assertThat(messages).containsExactly("a", "b");
    assertThat(refusals).extracting(Refusal::code)
        .containsExactly(ErrorCodes.INVALID_JSON, ErrorCodes.INVALID_JSON, ErrorCodes.INVALID_JSON, ErrorCodes.TOO_LARGE);
  }

  @Test
  void reading_stops_once_the_connection_closed() {
    List<String> got = new ArrayList<>();
    parser.readFrame("[\"a\",\"b\",\"c\"]", m -> got.add(m), refusals::add, () -> got.size() >= 2);
    assertThat(got).containsExactly("a", "b");
  }

  @Test
  void messages_become_requests() {
    assertThat(parser.parse("{\"type\":\"ping\"}")).isInstanceOf(BridgeRequest.Ping.class);
    assertThat(parser.parse("{\"type\":\"register\",\"address\":\"ops.x\"}"))
        .isEqualTo(new BridgeRequest.Register("ops.x", ResumeRequest.LIVE));
    assertThat(parser.parse("{\"type\":\"unregister\",\"address\":\"ops.x\"}")).isEqualTo(new BridgeRequest.Unregister("ops.x"));
    BridgeRequest.Send send = (BridgeRequest.Send) parser.parse("{\"type\":\"send\",\"address\":\"a\",\"replyAddress\":\"r\",\"body\":1}");
    assertThat(send.replyAddress()).isEqualTo("r");
    assertThat(send.body()).isEqualTo(1);
    assertThat(send.publish()).isFalse();
    assertThat(((BridgeRequest.Send) parser.parse("{\"type\":\"publish\",\"address\":\"a\"}")).publish()).isTrue();
  }

  @Test
  void register_headers_ask_for_a_resume_or_a_snapshot() {
    assertThat(RequestParser.resume(new io.vertx.core.json.JsonObject().put("epoch", "7").put("offset", 12)))
        .isEqualTo(new ResumeRequest(7, 12, false));
    assertThat(RequestParser.resume(new io.vertx.core.json.JsonObject().put("snapshot", "true")))
        .isEqualTo(new ResumeRequest(EncodedMessage.NONE, EncodedMessage.NONE, true));
    assertThat(RequestParser.resume(new io.vertx.core.json.JsonObject().put("epoch", "x").put("offset", -3)))
        .isEqualTo(ResumeRequest.LIVE);
  }

  @Test
  void plain_registers_share_one_resume_request() {
    // every subscription keeps its request: an idle dashboard's registers must not each hold a copy
    assertThat(RequestParser.resume(new io.vertx.core.json.JsonObject())).isSameAs(ResumeRequest.LIVE);
    assertThat(RequestParser.resume(new io.vertx.core.json.JsonObject().put("offset", "x"))).isSameAs(ResumeRequest.LIVE);
    assertThat(RequestParser.resume(new io.vertx.core.json.JsonObject().put("snapshot", "true")))
        .isNotSameAs(ResumeRequest.LIVE);
  }

  @Test
  void bad_messages_are_refused_with_the_address_they_concern() {
    refused("x".repeat(61), ErrorCodes.TOO_LARGE, null);
    refused("[1]", ErrorCodes.INVALID_JSON, null);
    refused("{\"type\":\"register\",\"address\":5}", ErrorCodes.INVALID_REQUEST, null);
    refused("{\"address\":\"ops.x\"}", ErrorCodes.UNKNOWN_TYPE, "ops.x");
    refused("{\"type\":\"bogus\",\"address\":\"ops.x\"}", ErrorCodes.UNKNOWN_TYPE, "ops.x");
    refused("{\"type\":\"register\"}", ErrorCodes.INVALID_REQUEST, null);
    refused("{\"type\":\"send\",\"replyAddress\":\"r\"}", ErrorCodes.INVALID_REQUEST, "r");
  }

  private void refused(String message, ErrorCodes code, String address) {
    assertThatThrownBy(() -> parser.parse(message)).isInstanceOfSatisfying(Refusal.class, r -> {
      assertThat(r.code()).isEqualTo(code);
      assertThat(r.address()).isEqualTo(address);
    });
  }
}
