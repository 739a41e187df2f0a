package dev.opshub.it;

import dev.opshub.it.browser.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /ops} in Chromium behind a proxy that passes no WebSocket: the shipped {@code deploy/haproxy/haproxy.cfg}
 * with one rule added that refuses every upgrade (403), in front of two web nodes and an {@code agents,engine}
 * node. The page falls back to an HTTP transport by itself, shows live agents, connected and its RTT; its SockJS
 * session sticks to one node by its id; when that node is killed the page comes back through HAProxy on the other
 * node and resumes every stream with no gap.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HaproxyFallbackIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String BACKEND = "opshub_web";
  private static final String REFUSE_WEBSOCKET = "    http-request deny deny_status 403 if { hdr(upgrade) -m str -i websocket }";
  private static final Set<String> FALLBACKS = Set.of("xhr-streaming", "eventsource", "xhr-polling");
  private static final Pattern SESSION = Pattern.compile("key=(\\w+) .*server_key=(web[12])");
  private static final Pattern EXPIRY = Pattern.compile("exp=(\\d+)");

  private TestCluster cluster;
  private Haproxy haproxy;
  private Browser browser;

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    if (haproxy != null) {
      haproxy.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void opsFallsBackToHttpTransportsThroughAProxyWithoutWebSocketAndResumesOnAnotherNode() throws Exception {
    Haproxy.assumeAvailable();
    Browser.assumeChromium();
    TestCertificates tls = TestCertificates.create(Paths.get("target", "tls-fallback"));
    int httpPort = HubProcess.freePort();
    String publicUrl = "http://127.0.0.1:" + httpPort;
    int[] webPorts = {HubProcess.freePort(), HubProcess.freePort()};

    cluster = new TestCluster(3);
    HubProcess engine = cluster.start("fallback-engine", 0, "agents,engine");
    HubProcess[] web = {webNode(1, webPorts[0], publicUrl), webNode(2, webPorts[1], publicUrl)};
    engine.awaitLog("engine active, epoch=", START);
    for (HubProcess node : web) {
      node.awaitHealthy(START);
    }
    haproxy = Haproxy.start("haproxy-no-websocket", refusingWebSocket(), Map.of(
        "OPSHUB_HTTPS_BIND", "127.0.0.1:" + HubProcess.freePort(),
        "OPSHUB_HTTP_BIND", "127.0.0.1:" + httpPort,
        "OPSHUB_HTTP_SERVE", "yes",
        "OPSHUB_TLS_PEM", tls.serverPem().toAbsolutePath().toString(),
        "OPSHUB_WEB1", "127.0.0.1:" + webPorts[0],
        "OPSHUB_WEB2", "127.0.0.1:" + webPorts[1],
        "OPSHUB_HAPROXY_MAXCONN", "4000"));
    haproxy.awaitListening(httpPort, Duration.ofSeconds(10))
        .awaitServerStatus(BACKEND, "web1", "UP", Duration.ofSeconds(20))
        .awaitServerStatus(BACKEND, "web2", "UP", Duration.ofSeconds(20));
    assertThat(upgradeStatus(httpPort)).as("a WebSocket upgrade through this proxy").isEqualTo(403);

    browser = Browser.open();
    browser.driver.get(publicUrl + "/ops");
    await("agents live on /ops over a fallback").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> browser.driver.findElements(
            By.cssSelector("#agents .agent:not([data-state='unknown'])")).size() == 5 && browser.opsOffset("ops.health") > 0);
    await("/ops connected with RTT").atMost(Duration.ofSeconds(15)).ignoreExceptions().until(browser::opsConnectedWithRtt);
    String transport = (String) browser.js("return window.opshub.bus.state.transport;");
    assertThat(transport).as("the transport /ops chose").isIn(FALLBACKS);
    assertThat(browser.driver.findElement(By.id("conn-node")).getText()).as("the page says which transport")
        .endsWith(" · " + transport);

    // the page's session sticks to the node that has it; that node is killed: the page comes back on the other
    String[] stuck = stuckSession();
    int victim = "web1".equals(stuck[1]) ? 0 : 1;
    long offsetBefore = browser.opsOffset("ops.health");
    web[victim].kill();
    await("/ops connected again, on the other node").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> browser.opsConnectedWithRtt() && browser.opsOffset("ops.health") > offsetBefore + 1
            && !stuckSession()[0].equals(stuck[0]));
    assertThat(stuckSession()[1]).as("the new session's node").isEqualTo(victim == 0 ? "web2" : "web1");
    assertThat((String) browser.js("return window.opshub.bus.state.transport;")).isIn(FALLBACKS);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> stats = (Map<String, Map<String, Object>>) browser.js("return window.opshub.streamStats;");
    assertThat(stats).isNotEmpty();
    for (Map.Entry<String, Map<String, Object>> e : stats.entrySet()) {
      assertThat(((Number) e.getValue().get("gaps")).longValue()).as("/ops gaps on %s: %s", e.getKey(), e.getValue())
          .isZero();
    }
    assertThat(((Number) stats.get("ops.health").get("resumes")).longValue()).as("ops.health resumed").isPositive();
    browser.screenshot("ops-behind-haproxy-without-websocket");
  }

  private HubProcess webNode(int index, int port, String publicUrl) {
    return cluster.start("fallback-web-" + index, index, "web", "--http-port", Integer.toString(port),
        "--allowed-origins", publicUrl);
  }

  /** The shipped config with one rule that refuses WebSocket upgrades at the frontend. */
  private static Path refusingWebSocket() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(Haproxy.SHIPPED_CONFIG));
    int at = lines.indexOf("    option forwardfor");
    assertThat(at).as("the frontend's 'option forwardfor' line in %s", Haproxy.SHIPPED_CONFIG).isPositive();
    lines.add(at + 1, REFUSE_WEBSOCKET);
    Path config = Paths.get("target", "haproxy-no-websocket.cfg").toAbsolutePath();
    Files.write(config, lines);
    return config;
  }

  /** The SockJS session HAProxy saw last (the entry refreshed last expires last) and the server it sticks to. */
  private String[] stuckSession() {
    String[] last = null;
    long latestExpiry = -1;
    for (String line : haproxy.command("show table " + BACKEND).lines().toList()) {
      Matcher entry = SESSION.matcher(line);
      Matcher expiry = EXPIRY.matcher(line);
      if (entry.find() && expiry.find() && Long.parseLong(expiry.group(1)) > latestExpiry) {
        latestExpiry = Long.parseLong(expiry.group(1));
        last = new String[] {entry.group(1), entry.group(2)};
      }
    }
    assertThat(last).as("a SockJS session in the stick table").isNotNull();
    return last;
  }

  /** What the proxy answers a WebSocket upgrade (sent raw: java.net.http does not send Upgrade itself). */
  private static int upgradeStatus(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      String request = "GET /eventbus/000/abcdefgh/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:" + port + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).as("status line").startsWith("HTTP/1.1 ");
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
