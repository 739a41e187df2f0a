package dev.opshub.web.bridge.delivery;

import dev.opshub.web.bridge.transport.ClientTransport;
import dev.opshub.web.bridge.transport.OutboundFrame;
import dev.opshub.web.bridge.transport.TransportListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** A {@link ClientTransport} for tests: records every frame it is given (when, its elements) and may be full. */
public final class RecordingTransport implements ClientTransport {

  /** One written frame: its messages (the element texts) and when it was written. */
  public record Written(List<String> messages, long atNanos) {
    public int size() {
      return messages.size();
    }
  }

  public final List<Written> frames = new ArrayList<>();
  public final List<String> texts = new ArrayList<>();
  /** Distinct encoded frames (by identity) this transport got: sockets sharing frames get the same objects. */
  public final Map<ByteBuf, Boolean> encoded = new IdentityHashMap<>();
  public boolean writable = true;
  public String closedWith;
  private long lastWrite;

  @Override
  public void start(TransportListener listener, long nowNanos) {
    lastWrite = nowNanos;
  }

  @Override
  public boolean writable() {
    return writable;
  }

  @Override
  public void write(OutboundFrame frame, long nowNanos) {
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < frame.size(); i++) {
      messages.add(new String(frame.element(i), StandardCharsets.UTF_8));
    }
    frames.add(new Written(messages, nowNanos));
    encoded.put(frame.webSocketFrame(UnpooledByteBufAllocator.DEFAULT), true);
    lastWrite = nowNanos;
  }

  @Override
  public void writeText(String frame, long nowNanos) {
    texts.add(frame);
    lastWrite = nowNanos;
  }

  @Override
  public long lastWriteNanos() {
    return lastWrite;
  }

  @Override
  public Future<Void> close(String closeFrame, String reason) {
    closedWith = closeFrame;
    return Future.succeededFuture();
  }

  @Override
  public boolean writesDirectly() {
    return false;
  }

  /** Sizes of the frames written so far. */
  public List<Integer> sizes() {
    return frames.stream().map(Written::size).toList();
  }

  /** Every message written so far, in order. */
  public List<String> messages() {
    return frames.stream().flatMap(f -> f.messages().stream()).toList();
  }
}
