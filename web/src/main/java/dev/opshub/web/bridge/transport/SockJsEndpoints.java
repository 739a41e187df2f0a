package dev.opshub.web.bridge.transport;

import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The SockJS HTTP endpoints under a mount path: {@code GET /info}, {@code GET /} (the greeting) and the WebSocket
 * {@code /<server>/<session>/websocket}. An upgrade is refused with 403 when its origin is not allowed and with 503
 * while the bridge shuts down; an accepted one becomes a {@link WebSocketTransport} handed to the bridge.
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

  /** @param ids a new connection id per call (for logs); called on any event loop */
  public SockJsEndpoints(Vertx vertx, OriginPolicy origins, BridgeMetrics metrics, Acceptor acceptor, Supplier<String> ids) {
    this.vertx = vertx;
    this.origins = origins;
    this.metrics = metrics;
    this.acceptor = acceptor;
    this.ids = ids;
  }

  /** Mounts the endpoints under {@code path} (e.g. {@code /eventbus}), before any body handler on those paths. */
  public void mount(Router router, String path) {
    String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    router.get(base + "/info").handler(this::info);
    router.get(base).handler(this::greeting);
    router.get(base + "/").handler(this::greeting);
    router.route(base + "/:server/:session/websocket").handler(this::upgrade);
  }

  private void info(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache, no-transform, must-revalidate, max-age=0")
        .end(SockJsFrames.info());
  }

  private void greeting(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8").end("Welcome to SockJS!\n");
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
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
