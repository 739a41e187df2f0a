package dev.opshub.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.TimeUnit;

/**
 * One HTTP server of a web node, on its own event loop: the {@link WebRoutes} on the node's port, closing connections
 * idle for the idle timeout. On undeploy it
 * first waits until the bridge has told every client to reconnect elsewhere; Vert.x then closes the server.
 */
final class WebServerVerticle extends VerticleBase {

  private final WebVerticle node;
  private final int port;

  WebServerVerticle(WebVerticle node, int port) {
    this.node = node;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    WebOptions options = node.options();
    // a socket that sends nothing (or stops halfway through a request) holds its descriptor until the idle timeout;
    // a bridge connection is never idle that long: the bridge writes a heartbeat, clients ping
    HttpServerOptions server = node.routes().bridgeOptions().applyTo(new HttpServerOptions())
        .setIdleTimeout((int) options.getIdleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    return vertx.createHttpServer(server)
        .requestHandler(node.routes().requestHandler())
        .listen(port, options.getHost())
        .onSuccess(s -> node.listening(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return node.shutdownBridge();
  }
}
