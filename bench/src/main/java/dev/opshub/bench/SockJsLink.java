package dev.opshub.bench;

import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;

/**
 * One SockJS session's transport as the load client sees it: whole SockJS frames in ({@code o}, {@code h},
 * {@code a[...]}, {@code c[...]}), bridge messages out. {@link WebSocketLink} and {@link XhrStreamingLink} implement
 * it; every method runs on the owning event loop.
 */
interface SockJsLink {

  /** Which SockJS transport a run uses ({@code --transport}). */
  enum Transport {
    WEBSOCKET("websocket"), XHR_STREAMING("xhr-streaming");

    final String flag;

    Transport(String flag) {
      this.flag = flag;
    }

    static Transport of(String flag) {
      for (Transport t : values()) {
        if (t.flag.equals(flag)) return t;
      }
      throw new IllegalArgumentException("transport must be websocket or xhr-streaming (got " + flag + ")");
    }
  }

  /** Starts handing over frames and, once, the end of the session (whoever ended it). */
  void handlers(Consumer<Buffer> frames, Runnable closed);

  /** Sends one bridge message (a JSON text) as a SockJS message. */
  void send(String message);

  void pause();

  void resume();

  /** Ends the session from the client side; the closed handler still runs. */
  void close();

  boolean isClosed();

  /** Why the transport ended, when no {@code c[...]} frame said so. */
  String closeReason();
}
