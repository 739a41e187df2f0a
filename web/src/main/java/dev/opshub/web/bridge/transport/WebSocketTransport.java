package dev.opshub.web.bridge.transport;

import dev.opshub.web.internal.DirectSocketWrites;
import dev.opshub.web.internal.TextFrameWrites;
import dev.opshub.web.internal.WebSocketChannelAccess;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SockJS over a WebSocket. A shared frame is written below the WebSocket encoder as complete bytes (through TLS, if
 * any): straight to the socket when the channel has nothing pending (epoll, no outbound handler below the encoder),
 * else the exact rest as a retained slice through the pipeline, which queues it and follows the channel's
 * writability as for any write. Without access to the encoder, frames go through the public WebSocket API.
 */
public final class WebSocketTransport implements ClientTransport {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketTransport.class);

  private final ServerWebSocket ws;
  private final Context context;
  private final String id;
  /** Where complete WebSocket frames go (below the encoder), or null to write through the WebSocket API. */
  private final ChannelHandlerContext raw;
  /** Direct sends to the socket while nothing is pending, or null. */
  private final DirectSocketWrites direct;
  private long lastWriteNanos;
  private TransportListener listener;

  public WebSocketTransport(ServerWebSocket ws, Context context, String id) {
    this.ws = ws;
    this.context = context;
    this.id = id;
    this.raw = WebSocketChannelAccess.encoderContext(ws);
    this.direct = raw == null ? null : DirectSocketWrites.of(raw);
  }

  @Override
  public void start(TransportListener listener, long nowNanos) {
    this.listener = listener;
    ws.textMessageHandler(listener::onText);
    ws.binaryMessageHandler(b -> listener.onInvalidFrame("binary frames are not part of the protocol"));
    ws.pongHandler(b -> listener.onActivity());
    ws.drainHandler(v -> listener.onWritable());
    if (raw != null) {
      // frames written below the encoder fill the channel without Vert.x's write queue seeing it: follow the
      // channel's own writability
      raw.pipeline().addBefore(raw.name(), "opshub-bridge-drain", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
          if (ctx.channel().isWritable()) {
            context.runOnContext(v -> listener.onWritable());
          }
          ctx.fireChannelWritabilityChanged();
        }
      });
    }
    ws.exceptionHandler(err -> LOG.debug("bridge connection {} failed", id, err));
    ws.closeHandler(v -> listener.onClosed());
    ws.shutdownHandler(v -> listener.onServerShutdown());
    writeText(SockJsFrames.OPEN, nowNanos);
  }

  @Override
  public boolean writable() {
    if (raw != null) {
      return raw.channel().isWritable();
    }
    try {
      return !ws.writeQueueFull();
    } catch (IllegalStateException closedUnderUs) {
      // its close handler has not run yet
      listener.onClosed();
      return false;
    }
  }

  @Override
  public void write(OutboundFrame frame, long nowNanos) {
    if (raw != null) {
      ByteBuf bytes = frame.webSocketFrame(raw.alloc());
      int length = bytes.readableBytes();
      int sent = direct == null ? 0 : direct.send(bytes);
      if (sent < length) {
        raw.writeAndFlush(bytes.retainedSlice(bytes.readerIndex() + sent, length - sent), raw.voidPromise());
      }
    } else {
      ws.writeFrame(TextFrameWrites.textFrame(frame.payloadCopy()));
    }
    lastWriteNanos = nowNanos;
  }

  @Override
  public void writeText(String frame, long nowNanos) {
    ws.writeTextMessage(frame);
    lastWriteNanos = nowNanos;
  }

  @Override
  public long lastWriteNanos() {
    return lastWriteNanos;
  }

  @Override
  public Future<Void> close(String closeFrame, String reason) {
    Promise<Void> told = Promise.promise();
    ws.writeTextMessage(closeFrame).onComplete(ar -> told.tryComplete());
    ws.close((short) 1000, reason);
    context.owner().setTimer(1_000, t -> told.tryComplete());
    return told.future();
  }

  @Override
  public boolean writesDirectly() {
    return direct != null;
  }
}
