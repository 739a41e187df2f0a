package dev.opshub.web.bridge.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.util.Arrays;

/**
 * One SockJS {@code a[e1,..,en]} frame of shared, already encoded elements, and its encodings per transport, each
 * built on first use and then written to every socket that gets the same messages. Owned by the delivery layer's
 * frame cache, which fills and {@linkplain #clear() clears} it; buffers handed to Netty are retained slices or
 * copies, so clearing never pulls bytes from under a pending write. The HTTP transports get the frame as
 * {@code prefix + a[...] + suffix} ({@code \n}; {@code data: .. \r\n\r\n}, {@code %} as {@code %25}), also built
 * once per framing.
 */
public final class OutboundFrame {

  private final byte[][] elements;
  private int size;
  private int payloadLength;
  /** The complete WebSocket text frame (unmasked header + payload), or null until first needed. */
  private ByteBuf webSocket;
  /** The HTTP encodings per {@link HttpTransportKind.Framing}, or null until first needed. */
  private final Buffer[] http = new Buffer[HttpTransportKind.Framing.values().length];
  private int encodings;

  public OutboundFrame(int capacity) {
    this.elements = new byte[capacity][];
  }

  /** Forgets the elements and releases the encodings. */
  public void clear() {
    if (webSocket != null) {
      webSocket.release();
      webSocket = null;
    }
    // heap buffers of Vert.x: a pending write holds its own slice, dropping the reference is enough
    Arrays.fill(http, null);
    Arrays.fill(elements, 0, size, null);
    size = 0;
    payloadLength = 0;
  }

  public void add(byte[] element) {
    elements[size++] = element;
    payloadLength += element.length;
  }

  public int size() {
    return size;
  }

  /** The {@code i}-th element (the very array queued: frames are shared by identity of their elements). */
  public byte[] element(int i) {
    return elements[i];
  }

  /** Bytes of {@code a[..]}: the elements, the commas between them, {@code a}, {@code [} and {@code ]}. */
  public int payloadLength() {
    return payloadLength + 3 + Math.max(0, size - 1);
  }

  /** Encodings built since the last call (a frame built for one socket and written to others counts once). */
  public int takeEncodings() {
    int n = encodings;
    encodings = 0;
    return n;
  }

  /** The complete WebSocket text frame, built once; valid until {@link #clear()} (pass Netty a retained slice). */
  public ByteBuf webSocketFrame(ByteBufAllocator alloc) {
    if (webSocket == null) {
      int payload = payloadLength();
      int header = payload <= 125 ? 2 : payload <= 0xFFFF ? 4 : 10;
      ByteBuf buf = alloc.directBuffer(header + payload);
      buf.writeByte(0x81); // FIN + text
      if (payload <= 125) {
        buf.writeByte(payload);
      } else if (payload <= 0xFFFF) {
        buf.writeByte(126).writeShort(payload);
      } else {
        buf.writeByte(127).writeLong(payload);
      }
      writePayload(buf);
      webSocket = buf;
      encodings++;
    }
    return webSocket;
  }

  /**
   * The frame as an HTTP transport of {@code framing} writes it, built once; valid until {@link #clear()}. A Vert.x
   * heap buffer: every response it is written to takes a slice of the same bytes.
   */
  public Buffer httpFrame(HttpTransportKind.Framing framing) {
    Buffer buffer = http[framing.ordinal()];
    if (buffer == null) {
      buffer = Buffer.buffer(framing.prefix.length + payloadLength() + framing.suffix.length);
      buffer.appendBytes(framing.prefix).appendByte((byte) 'a').appendByte((byte) '[');
      for (int i = 0; i < size; i++) {
        if (i > 0) {
          buffer.appendByte((byte) ',');
        }
        framing.append(buffer, elements[i]);
      }
      buffer.appendByte((byte) ']').appendBytes(framing.suffix);
      http[framing.ordinal()] = buffer;
      encodings++;
    }
    return buffer;
  }

  /**
   * The payload alone in a heap buffer of its own (the public-API path: the frame object keeps the buffer, which
   * is not pooled so nothing needs releasing).
   */
  public ByteBuf payloadCopy() {
    ByteBuf buf = Unpooled.buffer(payloadLength());
    writePayload(buf);
    encodings++;
    return buf;
  }

  private void writePayload(ByteBuf buf) {
    buf.writeByte('a').writeByte('[');
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        buf.writeByte(',');
      }
      buf.writeBytes(elements[i]);
    }
    buf.writeByte(']');
  }
}
