package dev.opshub.web.bridge.transport;

import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The SockJS endpoints under a mount path: {@code GET /info} (with CORS for allowed origins), {@code GET /} (the
 * greeting), the WebSocket {@code /<server>/<session>/websocket} and the HTTP transports
 * ({@link HttpTransportEndpoints}); a disabled transport's path answers 404. An upgrade is refused with 403 when its
 * origin is not allowed and with 503 while the bridge shuts down; an accepted one becomes a
 * {@link WebSocketTransport} handed to the bridge.
 */
public final class SockJsEndpoints {

  /** Where accepted transports go. */
  public interface Acceptor {
    /** False once the bridge shuts down: upgrades are refused with 503. */
    boolean accepting();

    /** A new client on {@code context} (its event loop); the acceptor may close it at once (too many). */
    void accept(ClientTransport transport, Context context);
  }

  private static final Logger LOG = LoggerFactory.getLogger(SockJsEndpoints.class);

  private final Vertx vertx;
  private final OriginPolicy origins;
  private final BridgeMetrics metrics;
  private final Acceptor acceptor;
  private final Supplier<String> ids;
  private final TransportSettings settings;
  private final HttpTransportEndpoints http;

  /**
   * @param ids      a new connection id per call (for logs); called on any event loop
   * @param sessions the node's HTTP sessions (one table for every HTTP server instance)
   */
  public SockJsEndpoints(Vertx vertx, OriginPolicy origins, BridgeMetrics metrics, Acceptor acceptor, Supplier<String> ids,
                         TransportSettings settings, HttpSessionTable sessions) {
    this.vertx = vertx;
    this.origins = origins;
    this.metrics = metrics;
    this.acceptor = acceptor;
    this.ids = ids;
    this.settings = settings;
    this.http = new HttpTransportEndpoints(vertx, settings, origins, sessions, acceptor, metrics);
  }

  /** Mounts the endpoints under {@code path} (e.g. {@code /eventbus}), before any body handler on those paths. */
  public void mount(Router router, String path) {
    String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    router.get(base + "/info").handler(this::info);
    router.options(base + "/info").handler(this::infoPreflight);
    router.get(base).handler(this::greeting);
    router.get(base + "/").handler(this::greeting);
    if (settings.enabled(HttpTransportKind.WEBSOCKET)) {
      router.route(base + "/:server/:session/websocket").handler(this::upgrade);
    }
    http.mount(router, base);
  }

  private void info(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (origins.allows(ctx.request())) {
      SockJsHeaders.cors(ctx.request(), response);
    }
    SockJsHeaders.noCache(response);
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
        .end(SockJsFrames.info(settings.enabled(HttpTransportKind.WEBSOCKET), settings.cookieNeeded()));
  }

  private void infoPreflight(RoutingContext ctx) {
    if (origins.allows(ctx.request())) {
      SockJsHeaders.preflight(ctx.request(), ctx.response(), "OPTIONS, GET", false);
    } else {
      SockJsHeaders.error(ctx.response(), 403, "origin not allowed");
    }
  }

  private void greeting(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8").end("Welcome to SockJS!\n");
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() != HttpMethod.GET) {
      SockJsHeaders.methodNotAllowed(ctx.response(), "GET");
      return;
    }
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)) {
      ctx.response().setStatusCode(400).end("Can \"Upgrade\" only to \"WebSocket\".");
      return;
    }
    if (!origins.allows(request)) {
      metrics.closes("origin_refused").increment();
      ctx.response().setStatusCode(403).end("origin not allowed");
      return;
    }
    if (!acceptor.accepting()) {
      ctx.response().setStatusCode(503).end("shutting down");
      return;
    }
    Context context = vertx.getOrCreateContext();
    request.toWebSocket()
        .onSuccess(ws -> acceptor.accept(new WebSocketTransport(ws, context, ids.get()), context))
        .onFailure(err -> LOG.debug("bridge upgrade failed", err));
  }
}
