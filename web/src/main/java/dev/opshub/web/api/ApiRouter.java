package dev.opshub.web.api;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.ErrorCodes;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The REST gateway mounted at {@code /api}. Reads go to {@code internal.engine.query}, operator actions (POST,
 * {@code Authorization: Bearer <token>}) to {@code ops.control.drills}, both as event-bus requests with a timeout.
 * A failed reply carries an HTTP status as failure code and {@code "code: detail"} as message; it becomes that
 * status with {@code {"error":code,"message":detail}}. While no engine answers (none is active, none registered, or
 * the one registered does not reply within the timeout, as while a standby takes over) the answer is 503
 * {@code no_engine} with {@code Retry-After}, within the timeout: never a hang.
 */
public final class ApiRouter {

  /**
   * The header naming a start request, so that sending it again (after a 503 or a lost answer) returns the drill it
   * started instead of starting another; the engine keeps it in the drill's journal.
   */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Drill actions a {@code POST /api/drills/{id}/{action}} may name. */
  public static final Set<String> DRILL_ACTIONS =
      Set.of("pause", "resume", "stop", "speed", "reset_agents", "inject_fault", "approve", "reject");

  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
  private static final String JSON = "application/json";
  /** What a client is told to wait after {@code no_engine}: a takeover takes a second or two. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final Vertx vertx;
  private final byte[] operatorToken;
  private final long timeoutMs;
  private final long bodyLimitBytes;
  private final Supplier<List<String>> nodes;

  /**
   * @param operatorToken    token operator actions must present, or null to refuse every one
   * @param timeoutMs        how long to wait for the engine's reply
   * @param bodyLimitBytes   largest request body accepted
   * @param nodes            base URLs of web nodes for dashboard failover (empty: only this node)
   */
  public ApiRouter(Vertx vertx, String operatorToken, long timeoutMs, long bodyLimitBytes,
                   Supplier<List<String>> nodes) {
    this.vertx = vertx;
    this.operatorToken = operatorToken == null || operatorToken.isEmpty()
        ? null : operatorToken.getBytes(StandardCharsets.UTF_8);
    this.timeoutMs = timeoutMs;
    this.bodyLimitBytes = bodyLimitBytes;
    this.nodes = nodes;
  }

  /** A router to mount with {@code router.route("/api/*").subRouter(apiRouter.router())}. */
  public Router router() {
    Router router = Router.router(vertx);
    router.get("/config").handler(this::config);
    router.get("/scenarios").handler(ctx -> query(ctx, new JsonObject().put("op", "scenarios")));
    router.get("/drills").handler(ctx -> query(ctx, new JsonObject().put("op", "drills")));
    router.get("/drills/:id").handler(ctx -> query(ctx, op("drill", ctx)));
    router.get("/drills/:id/report").handler(ctx -> query(ctx, op("report", ctx)));
    router.get("/reports").handler(ctx -> query(ctx, new JsonObject().put("op", "reports")));
    router.get("/summary").handler(ctx -> query(ctx, new JsonObject().put("op", "summary")));
    router.get("/recorded").handler(ctx -> query(ctx, new JsonObject().put("op", "recorded")));
    router.get("/recorded/:id").handler(ctx -> query(ctx, op("recorded_run", ctx)));

    // the token is checked before the body is read, so an unauthorised client cannot make us buffer anything
    router.post().handler(this::authorize);
    router.post().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
    router.post("/drills").handler(this::startDrill);
    router.post("/drills/:id/:action").handler(this::drillAction);

    router.route().last().handler(ctx -> error(ctx, 404, "not_found", "no such endpoint: " + ctx.request().path()));
    router.route().failureHandler(this::failure);
    return router;
  }

  private static JsonObject op(String op, RoutingContext ctx) {
    return new JsonObject().put("op", op).put("id", ctx.pathParam("id"));
  }

  /**
   * The web nodes a dashboard fails over between; empty without {@code --nodes}: the page then uses the origin it was
   * served from (nothing from the request, such as its Host, is reflected back).
   */
  private void config(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("nodes", new JsonArray(List.copyOf(nodes.get()))));
  }

  private void authorize(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (operatorToken == null || presented == null
        || !MessageDigest.isEqual(operatorToken, presented.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "unauthorized", "operator token missing or wrong");
      return;
    }
    ctx.next();
  }

  private void startDrill(RoutingContext ctx) {
    JsonObject body = bodyObject(ctx);
    if (body == null) {
      return;
    }
    JsonObject request = body.copy().put("action", "start");
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key != null) {
      request.put("requestKey", key);
    }
    forward(ctx, Addresses.CONTROL_DRILLS, request, 201);
  }

  private void drillAction(RoutingContext ctx) {
    String action = ctx.pathParam("action");
    if (!DRILL_ACTIONS.contains(action)) {
      error(ctx, 404, "not_found", "unknown drill action: " + action);
      return;
    }
    JsonObject body = bodyObject(ctx);
    if (body == null) {
      return;
    }
    JsonObject request = body.copy().put("action", action).put("drillId", ctx.pathParam("id"));
    forward(ctx, Addresses.CONTROL_DRILLS, request, 200);
  }

  /** The request body as a JSON object (empty body = {}), or null after answering 400 {@code invalid_json}. */
  private static JsonObject bodyObject(RoutingContext ctx) {
    RequestBody body = ctx.body();
    if (body == null || body.isEmpty()) {
      return new JsonObject();
    }
    try {
      Object value = Json.decodeValue(body.buffer());
      if (value instanceof JsonObject object) {
        return object;
      }
      error(ctx, 400, "invalid_json", "the body must be a JSON object");
    } catch (DecodeException e) {
      error(ctx, 400, "invalid_json", "the body is not valid JSON");
    }
    return null;
  }

  private void query(RoutingContext ctx, JsonObject request) {
    forward(ctx, Addresses.INTERNAL_ENGINE_QUERY, request, 200);
  }

  private void forward(RoutingContext ctx, String address, JsonObject request, int okStatus) {
    vertx.eventBus().<Object>request(address, request, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onSuccess(reply -> json(ctx, okStatus, reply.body()))
        .onFailure(err -> replyFailure(ctx, address, err));
  }

  private static void replyFailure(RoutingContext ctx, String address, Throwable err) {
    if (!(err instanceof ReplyException re)) {
      LOG.warn("request to {} failed", address, err);
      error(ctx, 500, "internal_error", "the request could not be forwarded");
      return;
    }
    switch (re.failureType()) {
      case NO_HANDLERS -> noEngine(ctx, "no engine is active to answer");
      case TIMEOUT -> noEngine(ctx, "no engine answered within the timeout (one may be taking over)");
      default -> {
        String message = re.getMessage() == null ? "" : re.getMessage();
        int colon = message.indexOf(": ");
        String code = colon > 0 && message.substring(0, colon).matches("[a-z_]+") ? message.substring(0, colon) : null;
        String detail = code == null ? message : message.substring(colon + 2);
        int status = re.failureCode() >= 400 && re.failureCode() <= 599 ? re.failureCode() : 500;
        error(ctx, status, code == null ? (status >= 500 ? "internal_error" : "invalid_request") : code, detail);
      }
    }
  }

  private static void noEngine(RoutingContext ctx, String message) {
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    error(ctx, 503, ErrorCodes.NO_ENGINE.code(), message);
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (ctx.response().ended()) {
      return;
    }
    if (status == 413) {
      error(ctx, 413, "too_large", "the body is larger than " + bodyLimitBytes + " bytes");
    } else if (status == 400) {
      error(ctx, 400, "invalid_request", "the request could not be read");
    } else if (status > 0 && status < 500) {
      error(ctx, status, "invalid_request", "request refused");
    } else {
      LOG.warn("api request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      error(ctx, 500, "internal_error", "internal error");
    }
  }

  private static void json(RoutingContext ctx, int status, Object body) {
    String encoded = body == null ? "null" : Json.encode(body);
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(encoded);
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new JsonObject().put("error", code).put("message", message));
  }
}
