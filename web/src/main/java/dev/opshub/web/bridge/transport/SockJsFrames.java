package dev.opshub.web.bridge.transport;

import dev.opshub.contract.CloseReason;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** SockJS framing: {@code o}, {@code h}, {@code a[...]}, {@code c[code,"reason"]}, and the {@code /info} answer. */
public final class SockJsFrames {

  public static final String OPEN = "o";
  public static final String HEARTBEAT = "h";
  /** To a second receiving request while one is open; the session goes on. */
  public static final String ANOTHER_CONNECTION = close(2010, "Another connection still open");
  /** The session of a receiving request the client aborted (to any request after it). */
  public static final String INTERRUPTED = close(1002, "Connection interrupted");

  private static final SecureRandom ENTROPY = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private SockJsFrames() {
  }

  public static String close(CloseReason reason) {
    return close(reason.code(), reason.reason());
  }

  public static String close(int code, String reason) {
    return "c[" + code + "," + Json.encode(reason) + "]";
  }

  /**
   * One element of an {@code a[...]} frame: the bridge message's JSON text as a JSON string, UTF-8; encoded once
   * and shared by every transport, so it escapes what SockJS servers must ({@link #escapeForSockJs}).
   */
  public static byte[] element(JsonObject bridgeMessage) {
    return escapeForSockJs(Json.encode(bridgeMessage.encode())).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code json} with the characters browsers mangle on HTTP transports written as {@code \}{@code uXXXX}: U+200C-U+200F,
   * U+2028-U+202F, U+2060-U+206F, U+FFF0-U+FFFF (Jackson already escapes U+0000-U+001F). Only valid where such a
   * character stands inside a JSON string, as it does in an element.
   */
  static String escapeForSockJs(String json) {
    int first = -1;
    for (int i = 0; i < json.length(); i++) {
      if (mustEscape(json.charAt(i))) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return json;
    }
    StringBuilder out = new StringBuilder(json.length() + 16).append(json, 0, first);
    for (int i = first; i < json.length(); i++) {
      char c = json.charAt(i);
      if (mustEscape(c)) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean mustEscape(char c) {
    return c >= '\u200c' && (c <= '\u200f' || (c >= '\u2028' && c <= '\u202f') || (c >= '\u2060' && c <= '\u206f')
        || c >= '\ufff0');
  }

  /** The body of {@code GET /info}: whether WebSocket is on, whether the load balancer needs a cookie, entropy. */
  public static String info(boolean websocket, boolean cookieNeeded) {
    return new JsonObject()
        .put("websocket", websocket)
        .put("cookie_needed", cookieNeeded)
        .put("origins", new JsonArray().add("*:*"))
        .put("entropy", Integer.toUnsignedLong(ENTROPY.nextInt()))
        .encode();
  }
}
