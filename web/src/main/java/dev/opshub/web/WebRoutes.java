package dev.opshub.web;

import dev.opshub.web.api.ApiRouter;
import dev.opshub.web.bridge.BridgeOptions;
import dev.opshub.web.bridge.FanoutBridge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The routes of a web node's HTTP servers: {@code /health}, {@code /ready}, {@code /metrics}, the dashboards
 * ({@code /ops}, {@code /demo}, {@code /transparency}) with their scripts and webjars, the REST gateway under
 * {@code /api} and the bridge at {@code /eventbus}.
 */
final class WebRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(WebRoutes.class);

  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self' http: https: ws: wss:; object-src 'none'; frame-ancestors 'none'";

  private final Vertx vertx;
  private final WebOptions options;
  private final BridgeOptions bridgeOptions;
  private final FanoutBridge bridge;
  private final HealthEndpoints health;
  private final WebjarAssets webjars = new WebjarAssets();

  WebRoutes(Vertx vertx, WebOptions options, BridgeOptions bridgeOptions, FanoutBridge bridge,
            PrometheusMeterRegistry registry, Supplier<NodeReadiness.State> readiness) {
    this.vertx = vertx;
    this.options = options;
    this.bridgeOptions = bridgeOptions;
    this.bridge = bridge;
    this.health = new HealthEndpoints(vertx, options, bridge, registry, readiness);
  }

  BridgeOptions bridgeOptions() {
    return bridgeOptions;
  }

  /**
   * What an HTTP server instance serves: a request whose target is not a path ({@code *}, {@code host:22},
   * {@code ../x}) or holds a malformed escape ({@code %u002e}) gets 400 and a debug line; the rest goes to a new router.
   */
  Handler<HttpServerRequest> requestHandler() {
    Router router = router();
    return request -> {
      if (!isPathTarget(request.uri())) {
        LOG.debug("{} {} refused with 400: not a path", request.method(), request.uri());
        request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .end("bad request target\n");
        return;
      }
      router.handle(request);
    };
  }

  /** True for {@code /...} whose every {@code %} starts two hex digits. */
  static boolean isPathTarget(String uri) {
    if (uri == null || !uri.startsWith("/")) {
      return false;
    }
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A new router (one per HTTP server instance). */
  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    health.mount(router);

    List<String> origins = bridgeOptions.getAllowedOrigins();
    if (!origins.isEmpty()) {
      // dashboards served by another node (a failover list) fetch /eventbus/info cross-origin before opening the
      // WebSocket, with credentials; the WebSocket itself is checked by the bridge
      CorsHandler cors = CorsHandler.create().allowCredentials(true).allowedMethod(HttpMethod.GET).maxAgeSeconds(600);
      origins.forEach(o -> cors.addOrigin(o));
      router.route("/eventbus/info").handler(cors);
    }
    bridge.mount(router, "/eventbus");

    ApiRouter api = new ApiRouter(vertx, options.getOperatorToken(), options.getRequestTimeoutMs(),
        options.getBodyLimitBytes(), options::getNodes);
    router.route("/api/*").subRouter(api.router());

    router.get("/").handler(ctx -> ctx.redirect("/ops"));
    page(router, "/ops", "webroot/ops.html");
    page(router, "/demo", "webroot/demo.html");
    page(router, "/transparency", "webroot/transparency.html");
    router.get("/js/*").handler(StaticHandler.create("webroot/js").setCachingEnabled(false));
    router.get("/css/*").handler(StaticHandler.create("webroot/css").setCachingEnabled(false));
    router.get("/webjars/*").handler(webjars::handle);
    router.route().failureHandler(WebRoutes::failed);
    return router;
  }

  /** A refused request (a CORS origin, a bad path) gets its status and a line, not a logged stack trace. */
  private static void failed(RoutingContext ctx) {
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    if (status >= 500) {
      LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    } else {
      LOG.debug("{} {} refused with {}: {}", ctx.request().method(), ctx.request().path(), status,
          ctx.failure() == null ? "" : ctx.failure().getMessage());
    }
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end(status >= 500 ? "internal error\n" : HttpResponseStatus.valueOf(status).reasonPhrase() + "\n");
    }
  }

  private static void page(Router router, String path, String file) {
    router.get(path).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("Referrer-Policy", "no-referrer")
        .sendFile(file)
        .onFailure(ctx::fail));
  }
}
