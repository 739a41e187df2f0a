package dev.opshub.web.internal;

import io.netty.buffer.ByteBuf;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.nio.charset.StandardCharsets;

/**
 * A WebSocket text frame from bytes already encoded as UTF-8, for the bridge's path through the public WebSocket API
 * (used when frames cannot be written below the encoder). Internal API: Vert.x's {@code WebSocketFrameImpl}
 * constructor taking a Netty buffer (no String per frame). Fallback: the public {@link WebSocketFrame#textFrame}
 * from the decoded text (one String per frame).
 */
public final class TextFrameWrites {

  private static final boolean INTERNAL = available();

  private TextFrameWrites() {
  }

  /** A final text frame whose payload is {@code utf8} (a buffer of its own: the frame may keep it). */
  public static WebSocketFrame textFrame(ByteBuf utf8) {
    if (INTERNAL) {
      return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
    }
    return WebSocketFrame.textFrame(utf8.toString(StandardCharsets.UTF_8), true);
  }

  /** True when the internal constructor is used. */
  public static boolean internal() {
    return INTERNAL;
  }

  private static boolean available() {
    try {
      WebSocketFrameImpl.class.getConstructor(WebSocketFrameType.class, ByteBuf.class, boolean.class);
      return true;
    } catch (NoSuchMethodException | LinkageError | RuntimeException e) {
      return false;
    }
  }
}
