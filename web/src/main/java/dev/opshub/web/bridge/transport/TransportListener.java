package dev.opshub.web.bridge.transport;

/** What a {@link ClientTransport} reports about its client; called on the connection's event loop. */
public interface TransportListener {

  /** A text message from the client (a SockJS frame: a JSON array of bridge messages). */
  void onText(String text);

  /** A frame that is not part of the protocol (binary). */
  void onInvalidFrame(String why);

  /** The client showed it is alive without sending a message (a WebSocket pong). */
  void onActivity();

  /** The socket can take more after it was full. */
  void onWritable();

  /** The server is shutting down gracefully under this connection. */
  void onServerShutdown();

  /** The socket is closed, by either side. */
  void onClosed();
}
