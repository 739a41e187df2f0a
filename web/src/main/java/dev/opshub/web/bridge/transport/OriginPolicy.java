package dev.opshub.web.bridge.transport;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which origins may open the bridge: same-origin and Origin-less (non-browser) requests, then the configured list
 * ({@code *} = all), and with an empty list localhost origins too.
 */
public final class OriginPolicy {

  private final List<String> allowed;

  /** @param allowed lower-case origins without a trailing slash ({@code BridgeOptions} normalises them) */
  public OriginPolicy(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  public boolean allows(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      return true;
    }
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    if (allowed.contains("*") || allowed.contains(o)) {
      return true;
    }
    URI uri;
    try {
      uri = new URI(o);
    } catch (Exception e) {
      return false;
    }
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    HostAndPort authority = request.authority();
    if (authority != null && host.equalsIgnoreCase(authority.host())) {
      int requestPort = authority.port() != -1 ? authority.port() : (request.isSSL() ? 443 : 80);
      if (requestPort == port) {
        return true;
      }
    }
    return allowed.isEmpty() && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
  }
}
