package dev.opshub.hub;

import io.vertx.core.transport.Transport;

/**
 * The network transport of a node's event loops. {@code AUTO} takes Linux's native epoll when it loads (the jar
 * carries it for x86_64) and the JDK's NIO otherwise; naming one explicitly fails the start if it cannot load.
 * Native epoll matters for the bridge: at 200,000 deliveries/s it took about a quarter less CPU than NIO (see
 * docs/BENCHMARKS.md).
 */
public enum NetTransport {
  AUTO, NIO, EPOLL, IO_URING;

  /** The Vert.x transport to build with; throws {@link IllegalStateException} when an explicit choice is unavailable. */
  Transport resolve() {
    return switch (this) {
      case AUTO -> Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
      case NIO -> Transport.NIO;
      case EPOLL -> require(Transport.EPOLL);
      case IO_URING -> require(Transport.IO_URING);
    };
  }

  private static Transport require(Transport transport) {
    if (!transport.available()) {
      Throwable cause = transport.unavailabilityCause();
      throw new IllegalStateException("transport " + transport.name() + " is not available here"
          + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }
    return transport;
  }
}
