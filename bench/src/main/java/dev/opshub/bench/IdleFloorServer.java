package dev.opshub.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

/**
 * The floor of a held connection: a Vert.x HTTP server that answers SockJS {@code /eventbus/info}, accepts the
 * SockJS WebSocket upgrade, sends the open frame and then only holds the socket (reads and drops what the client
 * sends). What one idle connection costs here is what the JVM, Netty and Vert.x need before any bridge state.
 */
public final class IdleFloorServer extends VerticleBase {

  private static final String INFO = "{\"websocket\":true,\"cookie_needed\":false,\"origins\":[\"*:*\"],\"entropy\":1}";

  private final String host;
  private final int port;
  private HttpServer server;

  public IdleFloorServer(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
      .requestHandler(this::onRequest)
      .listen(port, host)
      .onSuccess(s -> server = s);
  }

  private void onRequest(HttpServerRequest request) {
    String path = request.path();
    if (path.equals("/eventbus/info")) {
      request.response().putHeader("content-type", "application/json; charset=UTF-8").end(INFO);
    } else if (path.startsWith("/eventbus/") && path.endsWith("/websocket")) {
      request.toWebSocket().onSuccess(IdleFloorServer::hold).onFailure(e -> request.connection().close());
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private static void hold(ServerWebSocket socket) {
    socket.frameHandler(frame -> { });
    socket.writeTextMessage("o");
  }

  /** The port it listens on (useful with port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
