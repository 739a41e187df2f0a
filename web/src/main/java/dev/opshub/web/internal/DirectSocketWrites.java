package dev.opshub.web.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;

import java.io.IOException;
import java.util.Map;

/**
 * Sends a shared frame straight to an epoll socket when its channel has nothing pending, so the usual case (the
 * socket takes the whole frame) costs one {@code send} and no outbound-buffer entry, promise or buffer duplicate per
 * socket. Internal API: Netty's {@code Channel.unsafe().outboundBuffer()} (to know nothing is pending, so nothing
 * written earlier is overtaken) and the epoll channel's unix {@link Socket}. Fallback: {@link #of} is null (another
 * transport, TLS or any outbound handler below the encoder, or the classes are missing) and {@link #send} sends
 * nothing; the caller then writes through the pipeline.
 */
public final class DirectSocketWrites {

  private final Channel channel;
  private final Socket socket;

  private DirectSocketWrites(Channel channel, Socket socket) {
    this.channel = channel;
    this.socket = socket;
  }

  /**
   * Direct writes for the channel of {@code encoder}: an epoll channel with no outbound handler between the encoder
   * and the socket (TLS, traffic shaping, idle-state tracking of writes); else null.
   */
  public static DirectSocketWrites of(ChannelHandlerContext encoder) {
    try {
      Channel channel = encoder.channel();
      if (!(channel instanceof EpollSocketChannel epoll) || !(epoll.fd() instanceof Socket socket)) {
        return null;
      }
      for (Map.Entry<String, ChannelHandler> e : encoder.pipeline()) {
        if (e.getValue() == encoder.handler()) {
          return new DirectSocketWrites(channel, socket);
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

  /**
   * Sends as much of {@code frame} as the socket takes now, when called on the channel's event loop with nothing
   * pending in the channel; returns the bytes sent (0 when it may not send or on an error, which the pipeline's
   * write of the rest then meets and handles the usual way). The frame's reader index is not moved.
   */
  public int send(ByteBuf frame) {
    if (!frame.hasMemoryAddress() || !channel.eventLoop().inEventLoop()) {
      return 0;
    }
    ChannelOutboundBuffer pending;
    try {
      pending = channel.unsafe().outboundBuffer();
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
    if (pending == null || pending.totalPendingWriteBytes() != 0) {
      return 0;
    }
    try {
      return Math.max(0, socket.sendAddress(frame.memoryAddress(), frame.readerIndex(), frame.writerIndex()));
    } catch (IOException e) {
      return 0;
    }
  }
}
