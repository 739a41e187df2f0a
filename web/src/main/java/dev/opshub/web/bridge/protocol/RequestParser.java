package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.BridgeProtocol;
import dev.opshub.contract.ErrorCodes;
import dev.opshub.contract.Headers;
import dev.opshub.web.bridge.subscription.EncodedMessage;
import dev.opshub.web.bridge.subscription.ResumeRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads what a client sends: a SockJS frame (a JSON array of strings, or one JSON string) into bridge messages,
 * and each message into a {@link BridgeRequest}. Anything malformed or too large becomes a {@link Refusal}.
 */
public final class RequestParser {

  private final int maxFrameSize;
  private final int maxMessageSize;

  public RequestParser(int maxFrameSize, int maxMessageSize) {
    this.maxFrameSize = maxFrameSize;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Hands each message of the frame {@code text} to {@code message} and each refusal to {@code refused}, in order,
   * until {@code stop} says so (the connection closed meanwhile).
   */
  public void readFrame(String text, Consumer<String> message, Consumer<Refusal> refused, BooleanSupplier stop) {
    if (text.length() > maxFrameSize) {
      refused.accept(new Refusal(ErrorCodes.TOO_LARGE, null, "frame of " + text.length() + " chars exceeds " + maxFrameSize));
      return;
    }
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return;
    }
    try {
      if (trimmed.charAt(0) == '[') {
        JsonArray array = new JsonArray(trimmed);
        for (int i = 0; i < array.size() && !stop.getAsBoolean(); i++) {
          if (array.getValue(i) instanceof String s) {
            message.accept(s);
          } else {
            refused.accept(new Refusal(ErrorCodes.INVALID_JSON, null, "a SockJS frame is an array of strings"));
          }
        }
      } else if (trimmed.charAt(0) == '"') {
        message.accept((String) Json.decodeValue(trimmed));
      } else {
        refused.accept(new Refusal(ErrorCodes.INVALID_JSON, null, "a SockJS frame is an array of strings"));
      }
    } catch (DecodeException | ClassCastException e) {
      refused.accept(new Refusal(ErrorCodes.INVALID_JSON, null, "frame is not valid JSON"));
    }
  }

  /** One bridge message; throws {@link Refusal}. */
  public BridgeRequest parse(String text) {
    if (text.length() > maxMessageSize) {
      throw new Refusal(ErrorCodes.TOO_LARGE, null, "message of " + text.length() + " chars exceeds " + maxMessageSize);
    }
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Refusal(ErrorCodes.INVALID_JSON, null, "message is not a JSON object");
    }
    Object type = msg.getValue(BridgeProtocol.TYPE);
    Object address = msg.getValue(BridgeProtocol.ADDRESS);
    if (address != null && !(address instanceof String)) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, null, "address must be a string");
    }
    String addr = (String) address;
    if (!(type instanceof String t)) {
      throw new Refusal(ErrorCodes.UNKNOWN_TYPE, addr, "missing type");
    }
    return switch (t) {
      case BridgeProtocol.PING -> new BridgeRequest.Ping();
      case BridgeProtocol.REGISTER -> new BridgeRequest.Register(required(addr, null, "register"), resume(msg.getValue(BridgeProtocol.HEADERS)));
      case BridgeProtocol.UNREGISTER -> new BridgeRequest.Unregister(required(addr, null, "unregister"));
      case BridgeProtocol.SEND, BridgeProtocol.PUBLISH -> send(msg, addr, BridgeProtocol.PUBLISH.equals(t));
      default -> throw new Refusal(ErrorCodes.UNKNOWN_TYPE, addr, "unknown type " + t);
    };
  }

  private static BridgeRequest send(JsonObject msg, String address, boolean publish) {
    String replyAddress = msg.getValue(BridgeProtocol.REPLY_ADDRESS) instanceof String s ? s : null;
    required(address, replyAddress, "send");
    JsonObject headers = msg.getValue(BridgeProtocol.HEADERS) instanceof JsonObject h ? h : new JsonObject();
    return new BridgeRequest.Send(address, replyAddress, headers, msg.getValue(BridgeProtocol.BODY), publish);
  }

  private static String required(String address, String errorAddress, String type) {
    if (address == null) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, errorAddress, type + " needs an address");
    }
    return address;
  }

  /** A register's headers: {@code epoch} and {@code offset} (strings or numbers), {@code snapshot: "true"}. */
  static ResumeRequest resume(Object headers) {
    if (!(headers instanceof JsonObject h)) {
      return ResumeRequest.LIVE;
    }
    ResumeRequest resume = new ResumeRequest(number(h.getValue(Headers.EPOCH)), number(h.getValue(Headers.OFFSET)),
        "true".equals(String.valueOf(h.getValue(Headers.SNAPSHOT))));
    // every subscription keeps its request: the plain ones (empty headers, the usual case) share one
    return resume.equals(ResumeRequest.LIVE) ? ResumeRequest.LIVE : resume;
  }

  private static long number(Object value) {
    if (value instanceof Number n) {
      return n.longValue() < 0 ? EncodedMessage.NONE : n.longValue();
    }
    if (value instanceof String s) {
      try {
        long v = Long.parseLong(s.trim());
        return v < 0 ? EncodedMessage.NONE : v;
      } catch (NumberFormatException e) {
        return EncodedMessage.NONE;
      }
    }
    return EncodedMessage.NONE;
  }
}
