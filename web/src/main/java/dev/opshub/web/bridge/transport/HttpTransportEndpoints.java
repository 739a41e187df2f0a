package dev.opshub.web.bridge.transport;

import dev.opshub.web.bridge.delivery.VertxEventLoop;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The SockJS HTTP transports under a mount path: the receiving requests {@code /<server>/<session>/xhr_streaming},
 * {@code /xhr} and {@code /eventsource}, and {@code /xhr_send} for what the client sends, with their preflight
 * answers. A receiving request of an unknown session id opens an {@link HttpSession} on the request's event loop
 * and hands it to the bridge like a WebSocket; requests for a known one are posted to the session's loop. Errors
 * are the protocol's HTTP answers: 403 (origin), 404 (unknown session), 405, 413 (body over the limit), 500
 * ({@code Payload expected.}, {@code Broken JSON encoding.}), 503 (shutting down, too many sessions).
 */
public final class HttpTransportEndpoints {

  private static final String POST_METHODS = "OPTIONS, POST";

  private final Vertx vertx;
  private final TransportSettings settings;
  private final OriginPolicy origins;
  private final HttpSessionTable sessions;
  private final SockJsEndpoints.Acceptor acceptor;
  private final BridgeMetrics metrics;

  public HttpTransportEndpoints(Vertx vertx, TransportSettings settings, OriginPolicy origins, HttpSessionTable sessions,
                                SockJsEndpoints.Acceptor acceptor, BridgeMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.origins = origins;
    this.sessions = sessions;
    this.acceptor = acceptor;
    this.metrics = metrics;
  }

  /** Mounts the enabled transports under {@code base} (no trailing slash); the others stay 404. */
  public void mount(Router router, String base) {
    String session = Pattern.quote(base) + "/[^/.]+/([^/.]+)/";
    for (HttpTransportKind kind : HttpTransportKind.values()) {
      if (settings.enabled(kind.transportName())) {
        router.routeWithRegex(session + kind.path()).handler(ctx -> receive(ctx, kind));
      }
    }
    if (settings.anyHttp()) {
      router.routeWithRegex(session + "xhr_send").handler(this::send);
    }
  }

  private void receive(RoutingContext ctx, HttpTransportKind kind) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    boolean post = kind.method() == HttpMethod.POST;
    if (post && request.method() == HttpMethod.OPTIONS) {
      preflight(request, response);
      return;
    }
    if (request.method() != kind.method()) {
      SockJsHeaders.methodNotAllowed(response, post ? POST_METHODS : kind.method().name());
      return;
    }
    if (!allowedOrigin(request, response)) {
      return;
    }
    String id = ctx.pathParam("param0");
    HttpSession existing = sessions.get(id);
    if (existing == null && !acceptor.accepting()) {
      SockJsHeaders.error(response, 503, "shutting down");
      return;
    }
    Context context = vertx.getOrCreateContext();
    HttpSessionTable.Slot slot = existing != null ? new HttpSessionTable.Slot(existing, false)
        : sessions.acquire(id, table -> new HttpSession(id, new VertxEventLoop(context), table,
            settings.sessionTimeoutNanos(), settings.responseLimit()));
    if (slot == null) {
      metrics.closes("too_many_sessions").increment();
      SockJsHeaders.error(response, 503, "too many sessions");
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, kind.contentType());
    sessionHeaders(request, response);
    if (request.version() == HttpVersion.HTTP_1_0) {
      // no chunks in HTTP/1.0: the end of the body is the end of the connection
      response.putHeader(HttpHeaders.CONNECTION, "close");
    } else {
      response.setChunked(true);
    }
    if (kind.streaming()) {
      response.write(kind.prelude());
    } else {
      // the status goes out at once: a waiting poll is visibly accepted
      response.writeHead();
    }
    HttpSession session = slot.session();
    HttpReceiver receiver = new HttpReceiver(response, kind).bind(session);
    if (slot.created()) {
      // on this loop: the session's own
      session.receive(receiver);
      acceptor.accept(session, context);
    } else {
      session.loop().post(() -> session.receive(receiver));
    }
  }

  private void send(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    if (request.method() == HttpMethod.OPTIONS) {
      preflight(request, response);
      return;
    }
    if (request.method() != HttpMethod.POST) {
      SockJsHeaders.methodNotAllowed(response, POST_METHODS);
      return;
    }
    if (!allowedOrigin(request, response)) {
      return;
    }
    String id = ctx.pathParam("param0");
    int max = settings.maxSendBytes();
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parsedLength(length) > max) {
      tooLarge(request, response);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = new boolean[1];
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        refused[0] = true;
        tooLarge(request, response);
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> {
      if (!refused[0]) {
        sent(request, response, id, body);
      }
    });
  }

  private void sent(HttpServerRequest request, HttpServerResponse response, String id, Buffer body) {
    HttpSession session = sessions.get(id);
    if (session == null || !session.open()) {
      response.setStatusCode(404).end();
      return;
    }
    if (body.length() == 0) {
      SockJsHeaders.error(response, 500, "Payload expected.");
      return;
    }
    String text = body.toString(StandardCharsets.UTF_8);
    Object frame;
    try {
      frame = Json.decodeValue(text);
    } catch (DecodeException e) {
      SockJsHeaders.error(response, 500, "Broken JSON encoding.");
      return;
    }
    if (!(frame instanceof JsonArray)) {
      SockJsHeaders.error(response, 500, "Payload expected.");
      return;
    }
    session.loop().post(() -> session.inbound(text));
    response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8");
    sessionHeaders(request, response);
    response.setStatusCode(204).end();
  }

  private void preflight(HttpServerRequest request, HttpServerResponse response) {
    if (allowedOrigin(request, response)) {
      SockJsHeaders.preflight(request, response, POST_METHODS, settings.cookieNeeded());
    }
  }

  private void sessionHeaders(HttpServerRequest request, HttpServerResponse response) {
    SockJsHeaders.noCache(response);
    SockJsHeaders.cors(request, response);
    if (settings.cookieNeeded()) {
      SockJsHeaders.cookie(request, response);
    }
  }

  /** False (and a 403 sent) when the origin may not use the bridge, as for the WebSocket upgrade. */
  private boolean allowedOrigin(HttpServerRequest request, HttpServerResponse response) {
    if (origins.allows(request)) {
      return true;
    }
    metrics.closes("origin_refused").increment();
    SockJsHeaders.error(response, 403, "origin not allowed");
    return false;
  }

  private static void tooLarge(HttpServerRequest request, HttpServerResponse response) {
    // the rest of the body is not read: the connection cannot be reused
    response.setStatusCode(413).putHeader(HttpHeaders.CONNECTION, "close")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8")
        .end("Payload too large.").onComplete(v -> request.connection().close());
  }

  private static long parsedLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
