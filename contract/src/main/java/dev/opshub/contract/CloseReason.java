package dev.opshub.contract;

/**
 * Why the bridge closed a connection: the SockJS close frame {@code c[code,"reason"]} a client receives. Codes
 * 4000-4004; a client reconnects after each (resuming where it was), except that it should back off after
 * {@link #TOO_MANY_CONNECTIONS} and {@link #RATE_LIMITED}.
 */
public enum CloseReason {
  /** The node is shutting down (graceful stop of the web role): reconnect to another node. */
  NODE_SHUTDOWN(4000),
  /** The HTTP server is shutting down (Vert.x closing it gracefully). */
  SERVER_SHUTDOWN(4000),
  /** The node holds its maximum of connections. */
  TOO_MANY_CONNECTIONS(4001),
  /** The client fell too far behind: its queue overflowed. */
  SLOW_CONSUMER(4002),
  /** Nothing arrived from the client within the ping timeout. */
  PING_TIMEOUT(4003),
  /** The client flooded the node with refused messages. */
  RATE_LIMITED(4004);

  private final int code;

  CloseReason(int code) {
    this.code = code;
  }

  /** The SockJS close code. */
  public int code() {
    return code;
  }

  /** The reason as the close frame carries it, e.g. {@code slow_consumer}. */
  public String reason() {
    return WireName.of(this);
  }
}
