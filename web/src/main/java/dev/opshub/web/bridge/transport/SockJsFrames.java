package dev.opshub.web.bridge.transport;

import dev.opshub.contract.CloseReason;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** SockJS framing: {@code o}, {@code h}, {@code a[...]}, {@code c[code,"reason"]}, and the {@code /info} answer. */
public final class SockJsFrames {

  public static final String OPEN = "o";
  public static final String HEARTBEAT = "h";

  private SockJsFrames() {
  }

  public static String close(CloseReason reason) {
    return close(reason.code(), reason.reason());
  }

  public static String close(int code, String reason) {
    return "c[" + code + "," + Json.encode(reason) + "]";
  }

  /** One element of an {@code a[...]} frame: the bridge message's JSON text as a JSON string, UTF-8; encoded once. */
  public static byte[] element(JsonObject bridgeMessage) {
    return Json.encode(bridgeMessage.encode()).getBytes(StandardCharsets.UTF_8);
  }

  /** The body of {@code GET /info}. */
  public static String info() {
    return new JsonObject()
        .put("websocket", true)
        .put("cookie_needed", false)
        .put("origins", new JsonArray().add("*:*"))
        .put("entropy", ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE)
        .encode();
  }
}
