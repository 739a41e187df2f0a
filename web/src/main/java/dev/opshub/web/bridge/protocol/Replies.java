package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.BridgeProtocol;
import dev.opshub.contract.ErrorCodes;
import dev.opshub.web.bridge.transport.SockJsFrames;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/** The bridge messages the node sends a client in answer: {@code pong}, {@code rec} replies and {@code err} frames. */
final class Replies {

  static final byte[] PONG = SockJsFrames.element(new JsonObject().put(BridgeProtocol.TYPE, BridgeProtocol.PONG));

  private Replies() {
  }

  /** A refusal: {@code {"type":"err","code":..,"body":..,"failureCode":<status>,"message":"code: detail","address":..}}. */
  static byte[] refusal(Refusal r) {
    ErrorCodes code = r.code();
    JsonObject frame = new JsonObject().put(BridgeProtocol.TYPE, BridgeProtocol.ERR).put(BridgeProtocol.CODE, code.code())
        .put(BridgeProtocol.BODY, code.code()).put(BridgeProtocol.FAILURE_CODE, code.status())
        .put(BridgeProtocol.FAILURE_TYPE, "RECIPIENT_FAILURE").put(BridgeProtocol.MESSAGE, code.code() + ": " + r.getMessage());
    if (r.address() != null) {
      frame.put(BridgeProtocol.ADDRESS, r.address());
    }
    return SockJsFrames.element(frame);
  }

  /** A message for the client's reply handler. */
  static byte[] rec(String replyAddress, JsonObject headers, Object body) {
    JsonObject frame = new JsonObject().put(BridgeProtocol.TYPE, BridgeProtocol.REC).put(BridgeProtocol.ADDRESS, replyAddress);
    if (headers != null) {
      frame.put(BridgeProtocol.HEADERS, headers);
    }
    return SockJsFrames.element(frame.put(BridgeProtocol.BODY, body));
  }

  /** A failed request relayed to the client's reply handler. */
  static byte[] failure(String replyAddress, Throwable err) {
    JsonObject frame = new JsonObject().put(BridgeProtocol.TYPE, BridgeProtocol.ERR).put(BridgeProtocol.ADDRESS, replyAddress);
    if (err instanceof ReplyException re) {
      frame.put(BridgeProtocol.FAILURE_CODE, re.failureCode()).put(BridgeProtocol.FAILURE_TYPE, re.failureType().name())
          .put(BridgeProtocol.MESSAGE, re.getMessage());
    } else {
      frame.put(BridgeProtocol.FAILURE_CODE, -1).put(BridgeProtocol.FAILURE_TYPE, "RECIPIENT_FAILURE")
          .put(BridgeProtocol.MESSAGE, String.valueOf(err.getMessage()));
    }
    return SockJsFrames.element(frame);
  }
}
