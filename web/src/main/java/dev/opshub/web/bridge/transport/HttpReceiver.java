package dev.opshub.web.bridge.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A {@link SessionReceiver} on a Vert.x HTTP response, chunked, its headers and prelude already set. The response
 * may live on another event loop than its session (a keep-alive connection of another HTTP server instance): Vert.x
 * responses take writes from any thread, and the response's drain and close events are posted to the session's
 * loop.
 */
final class HttpReceiver implements SessionReceiver {

  private final HttpServerResponse response;
  private final HttpTransportKind kind;
  private long written;
  private volatile boolean ended;

  HttpReceiver(HttpServerResponse response, HttpTransportKind kind) {
    this.response = response;
    this.kind = kind;
  }

  /** Reports the response's drain and early close to {@code session}, on its loop. */
  HttpReceiver bind(HttpSession session) {
    response.drainHandler(v -> session.loop().post(() -> session.drained(this)));
    response.closeHandler(v -> {
      if (!ended) {
        session.loop().post(() -> session.receiverClosed(this));
      }
    });
    if (response.closed()) {
      // gone before the handler was set: it will not be called
      session.loop().post(() -> session.receiverClosed(this));
    }
    return this;
  }

  @Override
  public HttpTransportKind kind() {
    return kind;
  }

  @Override
  public boolean full() {
    if (ended || response.closed()) {
      return true;
    }
    try {
      return response.writeQueueFull();
    } catch (IllegalStateException endedUnderUs) {
      return true;
    }
  }

  @Override
  public void write(Buffer framed) {
    if (ended || response.closed()) {
      return;
    }
    try {
      response.write(framed);
      written += framed.length();
    } catch (IllegalStateException endedUnderUs) {
      ended = true;
    }
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (!response.closed()) {
      try {
        response.end();
      } catch (IllegalStateException endedUnderUs) {
        // the connection went meanwhile
      }
    }
  }
}
