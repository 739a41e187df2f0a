package dev.opshub.web.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** A test web node: the bridge mounted at /eventbus on an HTTP server on 127.0.0.1, random port, as the web verticle does. */
final class BridgeServer extends VerticleBase {

  final BridgeOptions options;
  final MeterRegistry registry;
  FanoutBridge bridge;
  HttpServer server;

  BridgeServer(BridgeOptions options, MeterRegistry registry) {
    this.options = options;
    this.registry = registry;
  }

  static Future<BridgeServer> deploy(Vertx vertx, BridgeOptions options) {
    return deploy(vertx, options, new SimpleMeterRegistry());
  }

  static Future<BridgeServer> deploy(Vertx vertx, BridgeOptions options, MeterRegistry registry) {
    BridgeServer server = new BridgeServer(options, registry);
    return vertx.deployVerticle(server).map(id -> server);
  }

  @Override
  public Future<?> start() {
    bridge = FanoutBridge.create(vertx, options, registry);
    Router router = Router.router(vertx);
    bridge.mount(router, "/eventbus");
    Future<HttpServer> listening = vertx.createHttpServer(options.applyTo(new HttpServerOptions().setHost("127.0.0.1")))
        .requestHandler(router).listen(0, "127.0.0.1");
    return Future.all(bridge.start(), listening.onSuccess(s -> server = s));
  }

  int port() {
    return server.actualPort();
  }

  double counter(String name) {
    var c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  double gauge(String name) {
    var g = registry.find(name).gauge();
    return g == null ? Double.NaN : g.value();
  }
}
