package dev.opshub.web.bridge;

import dev.opshub.contract.CloseReason;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** SockJS framing over a WebSocket: {@code o}, {@code h}, {@code a[...]}, {@code c[code,"reason"]}. */
final class SockJs {

  static final String OPEN = "o";
  static final String HEARTBEAT = "h";

  private SockJs() {
  }

  static String closeFrame(CloseReason reason) {
    return closeFrame(reason.code(), reason.reason());
  }

  static String closeFrame(int code, String reason) {
    return "c[" + code + "," + Json.encode(reason) + "]";
  }

  /** One SockJS array element: the bridge message's JSON text as a JSON string, UTF-8. Encoded once, written many times. */
  static byte[] element(JsonObject bridgeMessage) {
    return Json.encode(bridgeMessage.encode()).getBytes(StandardCharsets.UTF_8);
  }

  static String info() {
    return new JsonObject()
        .put("websocket", true)
        .put("cookie_needed", false)
        .put("origins", new io.vertx.core.json.JsonArray().add("*:*"))
        .put("entropy", ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE)
        .encode();
  }
}
