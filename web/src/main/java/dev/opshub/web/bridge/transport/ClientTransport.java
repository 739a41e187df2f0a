package dev.opshub.web.bridge.transport;

import io.vertx.core.Future;

/**
 * The socket side of one bridge connection: SockJS framing and writes. The delivery layer writes
 * {@link OutboundFrame}s while {@link #writable()}; everything else the client gets ({@code o}, {@code h},
 * {@code c[..]}) are text frames. One implementation per SockJS transport; all are used on the connection's event
 * loop only.
 */
public interface ClientTransport {

  /** Starts reading: events go to {@code listener}; writes {@code o} at {@code nowNanos}. */
  void start(TransportListener listener, long nowNanos);

  /** True while the socket can take another frame now. */
  boolean writable();

  /** Writes one {@code a[...]} frame at {@code nowNanos}. */
  void write(OutboundFrame frame, long nowNanos);

  /** Writes a SockJS text frame ({@code h}, {@code c[..]}) at {@code nowNanos}. */
  void writeText(String frame, long nowNanos);

  /** When something was last written, ns ({@code Clock.nanoTime()}). */
  long lastWriteNanos();

  /**
   * Writes {@code closeFrame} and closes the socket; the future completes when the frame was written or after at
   * most a second (a stalled client may never take it).
   */
  Future<Void> close(String closeFrame, String reason);

  /** True when frames go straight to the socket (for tests and diagnostics). */
  boolean writesDirectly();
}
