package dev.opshub.web.bridge.transport;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which origins may open the bridge: requests without an {@code Origin} (not a browser), the configured list
 * ({@code *} = all), and the request's own origin when its host is an IP address or {@code localhost}. A DNS name is
 * never taken for same-origin from the {@code Host} header (a rebound name would pass): list it. An origin is
 * {@code scheme://host[:port]} and nothing else; user info, paths and {@code null} are refused.
 */
public final class OriginPolicy {

  /** An origin as browsers send it: http or https, a host (name, IPv4 or bracketed IPv6), an optional port. */
  private static final Pattern ORIGIN = Pattern.compile("(https?)://([a-z0-9.-]+|\\[[0-9a-f:.]+])(?::([0-9]{1,5}))?");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private record Origin(String scheme, String host, int port) {
  }

  private final boolean any;
  private final List<Origin> allowed = new ArrayList<>();

  /** @param allowed lower-case origins without a trailing slash ({@code BridgeOptions} normalises them), or {@code *} */
  public OriginPolicy(List<String> allowed) {
    this.any = allowed.contains("*");
    for (String origin : allowed) {
      Origin parsed = parse(origin);
      if (parsed != null) {
        this.allowed.add(parsed);
      }
    }
  }

  public boolean allows(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.ORIGIN);
    if (header == null) {
      return true;
    }
    Origin origin = parse(header.trim());
    if (origin == null) {
      return false;
    }
    if (any || allowed.contains(origin)) {
      return true;
    }
    HostAndPort authority = request.authority();
    if (authority == null || !addressOrLocalhost(origin.host())) {
      return false;
    }
    String scheme = request.isSSL() ? "https" : "http";
    int port = authority.port() != -1 ? authority.port() : defaultPort(scheme);
    String host = authority.host().toLowerCase(Locale.ROOT);
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return origin.equals(new Origin(scheme, host, port));
  }

  /** The origin, or null when {@code value} is not exactly {@code scheme://host[:port]}. */
  private static Origin parse(String value) {
    Matcher m = ORIGIN.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    int port = m.group(3) == null ? defaultPort(m.group(1)) : Integer.parseInt(m.group(3));
    return port < 1 || port > 65_535 ? null : new Origin(m.group(1), m.group(2), port);
  }

  private static int defaultPort(String scheme) {
    return "https".equals(scheme) ? 443 : 80;
  }

  /** A host no other site can make a browser resolve to this node: an IP literal or localhost. */
  private static boolean addressOrLocalhost(String host) {
    return host.startsWith("[") || IPV4.matcher(host).matches() || host.equals("localhost");
  }
}
