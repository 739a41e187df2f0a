package dev.opshub.web.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * Finds where a server WebSocket's encoded frames enter its Netty pipeline: the context of its WebSocket frame
 * encoder, so that one complete frame can be written to many sockets without a copy per socket. Internal APIs:
 * {@code WebSocketInternal.channelHandlerContext()} (Vert.x core) and the {@code delegate} field of vertx-web's
 * {@code ServerWebSocketWrapper}, read once by reflection. Fallback: {@code null}, and frames go through the public
 * WebSocket API (one copy per socket); said once in the log.
 */
public final class WebSocketChannelAccess {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketChannelAccess.class);
  private static final Field WRAPPER_DELEGATE = wrapperDelegate();
  private static volatile boolean warned;

  private WebSocketChannelAccess() {
  }

  /** The encoder's context of {@code ws}, or null when frames must go through the public API. */
  public static ChannelHandlerContext encoderContext(ServerWebSocket ws) {
    try {
      ServerWebSocket core = ws;
      if (!(core instanceof WebSocketInternal) && WRAPPER_DELEGATE != null && WRAPPER_DELEGATE.getDeclaringClass().isInstance(core)) {
        core = (ServerWebSocket) WRAPPER_DELEGATE.get(core);
      }
      if (core instanceof WebSocketInternal internal) {
        ChannelHandlerContext ctx = internal.channelHandlerContext();
        ChannelHandlerContext encoder = ctx == null ? null : ctx.pipeline().context(WebSocketFrameEncoder.class);
        if (encoder != null) {
          return encoder;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      warnOnce(e.toString());
      return null;
    }
    warnOnce("no WebSocket frame encoder found for " + ws.getClass().getName());
    return null;
  }

  private static void warnOnce(String why) {
    if (!warned) {
      warned = true;
      LOG.warn("bridge frames go through the WebSocket API (one copy per socket): {}", why);
    }
  }

  private static Field wrapperDelegate() {
    try {
      Field f = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
