package dev.opshub.web.bridge;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** SockJS framing over a WebSocket: {@code o}, {@code h}, {@code a[...]}, {@code c[code,"reason"]}. */
final class SockJs {

  static final String OPEN = "o";
  static final String HEARTBEAT = "h";

  /** Close code for a graceful node shutdown (reason given by the caller). */
  static final int CLOSE_SHUTDOWN = 4000;
  static final int CLOSE_TOO_MANY_CONNECTIONS = 4001;
  static final int CLOSE_SLOW_CONSUMER = 4002;
  static final int CLOSE_PING_TIMEOUT = 4003;
  static final int CLOSE_ABUSE = 4004;

  static final String REASON_TOO_MANY_CONNECTIONS = "too_many_connections";
  static final String REASON_SLOW_CONSUMER = "slow_consumer";
  static final String REASON_PING_TIMEOUT = "ping_timeout";

  private SockJs() {
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
