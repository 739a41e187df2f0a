package dev.opshub.bench;

import io.vertx.core.transport.Transport;

/**
 * The transport the bench's own Vert.x instances use (load client and stock server): Linux native epoll when it
 * loads, else NIO, the same rule as the hub's default {@code --transport auto}, so both servers of a comparison run
 * on the same transport and the load client spends as little CPU as it can on the shared machine.
 */
final class NativeTransport {

  private NativeTransport() {
  }

  static Transport best() {
    return Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
  }

  static String name(Transport transport) {
    return transport.name().toLowerCase(java.util.Locale.ROOT);
  }
}
