package dev.opshub.web.bridge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Finds where a server WebSocket's encoded frames enter its Netty pipeline: the context of its WebSocket frame
 * encoder. A complete frame written there ({@link SharedFrames#takeShared}) goes to the socket exactly as the encoder's
 * output would (through TLS, if any), so one encoded frame can be written to many sockets without a copy per
 * socket. vertx-web hands out a wrapper of the core WebSocket without an accessor for it; the wrapper's delegate is
 * read once by reflection. When anything here is not as expected the bridge writes through the public API instead
 * (one copy per socket), and says so once in the log.
 *
 * <p>On the epoll transport, with nothing between the encoder and the socket that handles writes (no TLS), a frame
 * can go further still: straight to the socket ({@link #directSocket}) whenever the channel has nothing pending, so
 * the usual case (the socket takes the whole frame) costs one {@code send} and no outbound-buffer entry, promise or
 * buffer duplicate per socket; whatever the socket does not take goes through the pipeline as before.
 */
final class RawFrames {

  private static final Logger LOG = LoggerFactory.getLogger(RawFrames.class);
  private static final Field WRAPPER_DELEGATE = wrapperDelegate();
  private static volatile boolean warned;

  private RawFrames() {
  }

  /** The encoder's context of {@code ws}, or null when frames must go through the public API. */
  static ChannelHandlerContext encoderContext(ServerWebSocket ws) {
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
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e.toString());
      return null;
    }
    warnOnce("no WebSocket frame encoder found for " + ws.getClass().getName());
    return null;
  }

  /**
   * The socket of {@code encoder}'s channel when frames may be written to it directly: an epoll channel and no
   * outbound handler between the encoder and the socket (TLS, traffic shaping, idle-state tracking of writes);
   * else null. The classes checked are Netty's public epoll and unix-socket API; on another transport (NIO,
   * io_uring) this is simply null.
   */
  static Socket directSocket(ChannelHandlerContext encoder) {
    try {
      Channel channel = encoder.channel();
      if (!(channel instanceof EpollSocketChannel epoll) || !(epoll.fd() instanceof Socket socket)) {
        return null;
      }
      for (Map.Entry<String, ChannelHandler> e : encoder.pipeline()) {
        if (e.getValue() == encoder.handler()) {
          return socket;
        }
        if (e.getValue() instanceof ChannelOutboundHandler) {
          return null;
        }
      }
      return null;
    } catch (LinkageError | RuntimeException e) {
      return null; // no epoll classes on the class path
    }
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
