package dev.opshub.web.bridge.transport;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The HTTP headers SockJS responses carry (protocol 0.3.3): no caching of session responses, CORS with credentials
 * (the request's origin echoed, {@code *} without one), the {@code JSESSIONID} cookie for sticky load balancers, the
 * long-cached preflight answer, and the bare 405.
 */
final class SockJsHeaders {

  static final String NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0";
  static final String JSESSIONID = "JSESSIONID";
  private static final long ONE_YEAR_SECONDS = 365L * 24 * 60 * 60;

  private SockJsHeaders() {
  }

  static void noCache(HttpServerResponse response) {
    response.putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
  }

  /** CORS with credentials for {@code request}'s origin ({@code *} when it has none or {@code null}). */
  static void cors(HttpServerRequest request, HttpServerResponse response) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin == null || origin.equals("null") ? "*" : origin);
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    response.putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    String requested = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
    if (requested != null && !requested.isBlank()) {
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, requested);
    }
  }

  /** {@code JSESSIONID} as the client sent it, else {@code dummy}; path {@code /}. */
  static void cookie(HttpServerRequest request, HttpServerResponse response) {
    Cookie sent = request.getCookie(JSESSIONID);
    String value = sent == null || sent.getValue().isEmpty() ? "dummy" : sent.getValue();
    try {
      response.addCookie(Cookie.cookie(JSESSIONID, value).setPath("/"));
    } catch (IllegalArgumentException notACookieValue) {
      response.addCookie(Cookie.cookie(JSESSIONID, "dummy").setPath("/"));
    }
  }

  /** 204 to a preflight {@code OPTIONS}: cached for a year, the methods allowed, CORS. */
  static void preflight(HttpServerRequest request, HttpServerResponse response, String methods, boolean cookie) {
    response.putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + ONE_YEAR_SECONDS)
        .putHeader(HttpHeaders.EXPIRES, DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(ONE_YEAR_SECONDS)))
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
        .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, Long.toString(ONE_YEAR_SECONDS));
    cors(request, response);
    if (cookie) {
      cookie(request, response);
    }
    response.setStatusCode(204).end();
  }

  /** 405 with {@code Allow}, no body and no content type. */
  static void methodNotAllowed(HttpServerResponse response, String allow) {
    response.setStatusCode(405).putHeader(HttpHeaders.ALLOW, allow).end();
  }

  /** A plain-text error answer ({@code text/plain}). */
  static void error(HttpServerResponse response, int status, String text) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8").end(text);
  }
}
