package dev.opshub.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/** SockJS over a raw WebSocket: one SockJS frame per WebSocket message, fragmented messages joined (bounded). */
final class WebSocketLink implements SockJsLink {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketLink.class);

  /** Largest SockJS frame accepted when the server fragments it over several WebSocket frames. */
  static final int MAX_MESSAGE_BYTES = 16 << 20;

  private final WebSocket ws;
  private final RunState run;
  private Buffer partial;

  WebSocketLink(WebSocket ws, RunState run) {
    this.ws = ws;
    this.run = run;
  }

  @Override
  public void handlers(Consumer<Buffer> frames, Runnable closed) {
    ws.frameHandler(frame -> onFrame(frame, frames));
    ws.closeHandler(v -> closed.run());
    ws.exceptionHandler(e -> LOG.debug("websocket: {}", e.toString()));
  }

  private void onFrame(WebSocketFrame frame, Consumer<Buffer> frames) {
    if (!frame.isText() && !frame.isBinary() && !frame.isContinuation()) return;
    Buffer data = frame.binaryData();
    if (partial != null || !frame.isFinal()) {
      if (partial == null) partial = Buffer.buffer();
      if (partial.length() + data.length() > MAX_MESSAGE_BYTES) {
        run.error("message_too_large");
        partial = null;
        return;
      }
      partial.appendBuffer(data);
      if (!frame.isFinal()) return;
      data = partial;
      partial = null;
    }
    frames.accept(data);
  }

  @Override
  public void send(String message) {
    if (!ws.isClosed()) ws.writeTextMessage(new JsonArray().add(message).encode());
  }

  @Override
  public void pause() {
    ws.pause();
  }

  @Override
  public void resume() {
    ws.resume();
  }

  @Override
  public void close() {
    if (!ws.isClosed()) ws.close((short) 1000, "bench_reconnect");
  }

  @Override
  public boolean isClosed() {
    return ws.isClosed();
  }

  @Override
  public String closeReason() {
    Short code = ws.closeStatusCode();
    if (code == null) return "connection_dropped";
    String text = ws.closeReason();
    return "ws " + code + (text == null || text.isEmpty() ? "" : " " + text);
  }
}
