package dev.opshub.web;

import dev.opshub.contract.CloseReason;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.web.api.ApiRouter;
import dev.opshub.web.bridge.BridgeOptions;
import dev.opshub.web.bridge.FanoutBridge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTP side of a web node: {@code /health}, {@code /ready}, {@code /metrics}, the dashboards ({@code /ops},
 * {@code /demo}, {@code /transparency}) with their scripts and webjars, the REST gateway under {@code /api} and
 * the bridge at {@code /eventbus}. Configured by {@link WebOptions} JSON; on undeploy it tells every bridge client
 * to reconnect elsewhere ({@code node_shutdown}) before the server closes.
 *
 * <p>One bridge per verticle (one node-level consumer per address), but {@code webInstances} HTTP servers on the
 * same port (default: one per processor), each on its own event-loop context, so connections and their fan-out
 * spread over the event loops. This verticle's context owns the bridge table only; the servers run on contexts
 * this verticle creates and closes itself (after the bridge has told every client).
 */
public class WebVerticle extends VerticleBase {


  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  private static final java.util.concurrent.atomic.AtomicInteger RANDOM_PORT_KEYS = new java.util.concurrent.atomic.AtomicInteger(
      java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000, 10_000));
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self' http: https: ws: wss:; object-src 'none'; frame-ancestors 'none'";

  private WebOptions options;
  private FanoutBridge bridge;
  private HttpServer server;
  private final List<HttpServer> servers = new ArrayList<>();
  private PrometheusMeterRegistry prometheus;
  private PrometheusMeterRegistry ownRegistry;
  private volatile boolean ready;

  @Override
  public Future<?> start() {
    options = WebOptions.fromJson(config());
    prometheus = prometheusRegistry();
    BridgeOptions bridgeOptions = BridgeOptions.fromConfig(config());
    bridge = FanoutBridge.create(vertx, bridgeOptions, prometheus);

    Future<Void> bridgeStarted = bridge.start();
    int instances = options.effectiveWebInstances();
    // port 0 with several instances: Vert.x shares a random port between servers that listen on the same negative
    // port, so each verticle uses a negative port of its own
    int port = options.getHttpPort() == 0 && instances > 1 ? -RANDOM_PORT_KEYS.incrementAndGet() : options.getHttpPort();
    Future<Void> listening = bridgeStarted.compose(v -> listenOnOwnContext(bridgeOptions, port)).compose(first -> {
      server = first;
      List<Future<HttpServer>> more = new ArrayList<>();
      for (int i = 1; i < instances; i++) {
        more.add(listenOnOwnContext(bridgeOptions, port));
      }
      return Future.all(more).mapEmpty();
    });
    return listening.onFailure(err -> {
      // servers on our own contexts are not closed by the failed deployment: close them here
      synchronized (servers) {
        servers.forEach(HttpServer::close);
        servers.clear();
      }
    }).onSuccess(all -> {
      ready = true;
      LOG.info("web node {} listening on {}:{} ({} HTTP server instance{})", options.getNodeId(), options.getHost(),
          server.actualPort(), instances, instances == 1 ? "" : "s");
    });
  }

  /**
   * A server on the port, on a new event-loop context (the next event loop), with its own router. None runs on this
   * verticle's context, which owns the bridge table: its task queue then holds only event-bus deliveries, so the
   * bridge's lag probe measures ingress, not fan-out work (which is bounded per event loop by the hand-off).
   */
  private Future<HttpServer> listenOnOwnContext(BridgeOptions bridgeOptions, int port) {
    Context context = ((VertxInternal) vertx).createEventLoopContext();
    Promise<HttpServer> listening = Promise.promise();
    context.runOnContext(v -> vertx.createHttpServer(bridgeOptions.applyTo(new HttpServerOptions()))
        .requestHandler(router(bridgeOptions))
        .listen(port, options.getHost())
        .onSuccess(s -> {
          synchronized (servers) {
            servers.add(s);
          }
        })
        .onComplete(listening));
    return listening.future();
  }

  @Override
  public Future<?> stop() {
    ready = false;
    Future<Void> drained = bridge == null ? Future.succeededFuture() : bridge.shutdown(CloseReason.NODE_SHUTDOWN.reason())
        .recover(err -> {
          LOG.warn("bridge shutdown of node {} failed", options.getNodeId(), err);
          return Future.succeededFuture();
        });
    return drained.compose(v -> {
          List<Future<Void>> closing = new ArrayList<>();
          synchronized (servers) {
            servers.forEach(s -> closing.add(s.close()));
            servers.clear();
          }
          return Future.join(closing);
        })
        .onComplete(ar -> {
          if (ownRegistry != null) {
            ownRegistry.close();
          }
        });
  }

  /** The port the server listens on (useful with port 0), or -1 before it listens. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private PrometheusMeterRegistry prometheusRegistry() {
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    if (shared instanceof PrometheusMeterRegistry registry) {
      return registry;
    }
    ownRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return ownRegistry;
  }

  private Router router(BridgeOptions bridgeOptions) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::readiness);
    router.get("/metrics").handler(this::metrics);

    List<String> origins = bridgeOptions.getAllowedOrigins();
    if (!origins.isEmpty()) {
      router.route("/eventbus/*").handler(ctx -> cors(ctx, origins));
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
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    return router;
  }

  /**
   * Dashboards served by another node (a failover list) fetch {@code /eventbus/info} cross-origin before opening the
   * WebSocket; sockjs-client sends it with credentials, so an allowed origin is named back with credentials allowed.
   * Other origins get no CORS headers (the browser then refuses to read the answer); the WebSocket itself is checked
   * by the bridge.
   */
  private static void cors(RoutingContext ctx, List<String> allowed) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin != null && (allowed.contains("*") || allowed.contains(origin.toLowerCase(java.util.Locale.ROOT)))) {
      ctx.response()
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
          .putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
      if (ctx.request().method() == HttpMethod.OPTIONS) {
        ctx.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, OPTIONS")
            .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600").setStatusCode(204).end();
        return;
      }
    }
    ctx.next();
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

  private void health(RoutingContext ctx) {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    JsonObject body = new JsonObject()
        .put("status", "up")
        .put("nodeId", node.getOrDefault(NodeLocalMap.NODE_ID, options.getNodeId()))
        .put("roles", roles(node))
        .put("clustered", Boolean.parseBoolean(node.getOrDefault(NodeLocalMap.CLUSTERED, "false")))
        .put("members", members(node))
        .put("engineActive", Boolean.parseBoolean(node.getOrDefault(NodeLocalMap.ENGINE_ACTIVE, "false")))
        .put("ready", ready)
        .put("transport", node.getOrDefault(NodeLocalMap.TRANSPORT, vertx.isNativeTransportEnabled() ? "native" : "nio"))
        .put("bridge", new JsonObject().put("connections", bridge.connections()).put("eventLoops", bridge.eventLoops()));
    json(ctx, 200, body);
  }

  private JsonArray roles(LocalMap<String, String> node) {
    String roles = node.get(NodeLocalMap.ROLES);
    List<String> list = roles == null || roles.isBlank() ? options.getRoles()
        : Arrays.stream(roles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return new JsonArray(List.copyOf(list));
  }

  private JsonArray members(LocalMap<String, String> node) {
    String members = node.get(NodeLocalMap.MEMBERS);
    if (members != null) {
      try {
        return new JsonArray(members);
      } catch (DecodeException e) {
        LOG.debug("node map holds unreadable members: {}", members);
      }
    }
    return new JsonArray().add(new JsonObject().put("nodeId", options.getNodeId())
        .put("roles", String.join(",", options.getRoles())).put("self", true));
  }

  private void readiness(RoutingContext ctx) {
    json(ctx, ready ? 200 : 503, new JsonObject().put("ready", ready).put("nodeId", options.getNodeId()));
  }

  private void metrics(RoutingContext ctx) {
    vertx.executeBlocking(() -> prometheus.scrape(), false)
        .onSuccess(text -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
