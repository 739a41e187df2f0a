package dev.opshub.web.bridge.transport;

import java.util.Set;

/**
 * What the SockJS endpoints need of the bridge options.
 *
 * @param disabled           transport names switched off ({@code websocket}, {@code xhr-streaming}, ...)
 * @param cookieNeeded       set {@code JSESSIONID} on session URLs (sticky load balancing) and say so in {@code /info}
 * @param sessionTimeoutNanos how long an HTTP session lives without a receiving request
 * @param maxSessions        most HTTP sessions on this node
 * @param maxSendBytes       largest {@code xhr_send} body, bytes
 * @param responseLimit      bytes after which a streaming response ends; the most one poll answer takes
 */
public record TransportSettings(Set<String> disabled, boolean cookieNeeded, long sessionTimeoutNanos, int maxSessions,
                                int maxSendBytes, long responseLimit) {

  public TransportSettings {
    disabled = Set.copyOf(disabled);
  }

  public boolean enabled(String transportName) {
    return !disabled.contains(transportName);
  }

  /** True while any HTTP transport is on ({@code xhr_send} serves them all). */
  public boolean anyHttp() {
    for (HttpTransportKind k : HttpTransportKind.values()) {
      if (enabled(k.transportName())) {
        return true;
      }
    }
    return false;
  }
}
