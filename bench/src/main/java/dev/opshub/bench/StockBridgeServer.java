package dev.opshub.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;

/**
 * The baseline: the stock vertx-web SockJS event-bus bridge, untouched, at {@code /eventbus/*}, letting browsers
 * register on one address (or each of a comma list). Deploy several instances to use several event loops (as a
 * production server would).
 */
public final class StockBridgeServer extends VerticleBase {

  public static final String DEFAULT_HOST = "0.0.0.0";

  private final String host;
  private final int port;
  private final String address;
  private HttpServer server;

  public StockBridgeServer(String host, int port, String address) {
    this.host = host;
    this.port = port;
    this.address = address;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    SockJSBridgeOptions bridge = new SockJSBridgeOptions();
    for (String permitted : address.split(",")) bridge.addOutboundPermitted(new PermittedOptions().setAddress(permitted));
    // the polling transports (xhr_send) read the request body: vertx-web wants a BodyHandler before SockJS
    router.route("/eventbus/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(bridge));
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
      .requestHandler(router)
      .listen(port, host)
      .onSuccess(s -> server = s);
  }

  /** The port it listens on (useful with port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
