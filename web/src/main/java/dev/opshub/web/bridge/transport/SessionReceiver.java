package dev.opshub.web.bridge.transport;

import io.vertx.core.buffer.Buffer;

/**
 * A receiving HTTP request of a SockJS session, as the {@link HttpSession} sees it: bytes go in framed for its
 * transport, and it ends once. It reports back to its session (on the session's event loop) when its write queue
 * drains and when the client closed it first.
 */
public interface SessionReceiver {

  HttpTransportKind kind();

  /** True while its write queue is full (or it cannot take anything: ended, connection gone). */
  boolean full();

  /** Writes {@code framed}, already framed for {@link #kind()}; nothing once ended. */
  void write(Buffer framed);

  /** Bytes written so far, prelude excluded. */
  long written();

  /** Ends the response; later calls do nothing. */
  void end();
}
