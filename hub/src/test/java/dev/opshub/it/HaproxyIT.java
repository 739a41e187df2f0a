package dev.opshub.it;

import dev.opshub.contract.Addresses;
import dev.opshub.it.browser.Browser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two web nodes and an {@code agents,engine} node (publishing {@code ops.bench} at 200 messages/s) behind a real
 * HAProxy started from the shipped {@code deploy/haproxy/haproxy.cfg}, over TLS with a certificate the test made.
 * Through it: the official client in Node ({@link ResumingClients}) and {@code /ops} in Chromium work over
 * https/wss, and the bridge's origin check holds for the public name; a web node killed (SIGKILL) under load sends
 * its clients, through HAProxy, to the other node, where they resume with no gap; the restarted node is taken back;
 * a web node sent SIGTERM with a drain period answers {@code /ready} 503 first, HAProxy marks it down and sends new
 * clients elsewhere, only then are its clients closed, and they move with no gap.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HaproxyIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String BACKEND = "opshub_web";
  private static final long DRAIN_MS = 3_000;
  private static final int CLIENTS = 4;
  private static final String PUBLIC_ORIGIN = "https://ops.example";

  private TestCluster cluster;
  private Haproxy haproxy;
  private ResumingClients clients;
  private Browser browser;
  private HttpClient https;

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    if (clients != null) {
      clients.close();
    }
    if (haproxy != null) {
      haproxy.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void webNodesBehindHaproxyOverTlsFailOverAndDrainWithoutAGap() throws Exception {
    Haproxy.assumeAvailable();
    ResumingClients.assumeNode();
    Browser.assumeChromium();
    TestCertificates tls = TestCertificates.create(Paths.get("target", "tls"));
    https = HttpClient.newBuilder().sslContext(tls.sslContext()).connectTimeout(Duration.ofSeconds(2)).build();
    int httpsPort = HubProcess.freePort();
    int httpPort = HubProcess.freePort();
    String publicUrl = "https://127.0.0.1:" + httpsPort;
    int[] webPorts = {HubProcess.freePort(), HubProcess.freePort()};
    String origins = publicUrl + "," + PUBLIC_ORIGIN;

    cluster = new TestCluster(3);
    HubProcess engine = cluster.start("haproxy-engine", 0, "agents,engine", "--bench-rate", "200");
    HubProcess[] web = {webNode(1, "haproxy-web-1", webPorts[0], origins), webNode(2, "haproxy-web-2", webPorts[1], origins)};
    engine.awaitLog("engine active, epoch=", START);
    for (HubProcess node : web) {
      node.awaitHealthy(START);
    }
    haproxy = Haproxy.start("haproxy", Haproxy.SHIPPED_CONFIG, Map.of(
        "OPSHUB_HTTPS_BIND", "127.0.0.1:" + httpsPort,
        "OPSHUB_HTTP_BIND", "127.0.0.1:" + httpPort,
        "OPSHUB_TLS_PEM", tls.serverPem().toAbsolutePath().toString(),
        "OPSHUB_WEB1", "127.0.0.1:" + webPorts[0],
        "OPSHUB_WEB2", "127.0.0.1:" + webPorts[1],
        "OPSHUB_HAPROXY_MAXCONN", "4000"));
    haproxy.awaitListening(httpsPort, Duration.ofSeconds(10))
        .awaitServerStatus(BACKEND, "web1", "UP", Duration.ofSeconds(20))
        .awaitServerStatus(BACKEND, "web2", "UP", Duration.ofSeconds(20));

    // (a) plain HTTP is sent to https; /ready and the bridge answer over TLS; the origin check holds behind the proxy
    HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/ops")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(301);
    assertThat(plain.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("https://"));
    assertThat(new JsonObject(get(publicUrl + "/ready").body()).getString("status")).isEqualTo("ready");
    assertThat(new JsonObject(get(publicUrl + "/api/config").body()).getJsonArray("nodes").getList())
        .as("no node list: the page reaches the bridge by the public https URL it was served from").isEmpty();
    String session = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    assertThat(upgradeStatus(tls.sslContext(), httpsPort, session, "ops.example", PUBLIC_ORIGIN))
        .as("WebSocket upgrade from the public origin").isEqualTo(101);
    assertThat(haproxy.command("show table " + BACKEND)).as("the session stuck to its node by its id")
        .containsPattern("key=" + session + " .*server_key=web[12]");
    assertThat(upgradeStatus(tls.sslContext(), httpsPort, "x" + session.substring(1), "ops.example",
        "https://evil.example")).as("WebSocket upgrade from another origin").isEqualTo(403);

    clients = ResumingClients.start(publicUrl + "/eventbus", CLIENTS, tls.caPem(), Addresses.BENCH, Addresses.HEALTH);
    awaitClientsOn(List.of(nodeId(web[0]), nodeId(web[1])), allClients(), 0, Duration.ofSeconds(30));

    browser = Browser.open("--ignore-certificate-errors-spki-list=" + tls.serverSpkiSha256());
    browser.driver.get(publicUrl + "/ops");
    await("agents live on /ops through HAProxy").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> browser.driver.findElements(
            By.cssSelector("#agents .agent:not([data-state='unknown'])")).size() == 5 && browser.opsOffset("ops.health") > 0);
    await("/ops connected with RTT").atMost(Duration.ofSeconds(15)).ignoreExceptions().until(browser::opsConnectedWithRtt);
    assertThat(browser.webSocketsCreated()).anySatisfy(url -> assertThat(url).startsWith("wss://127.0.0.1:" + httpsPort
        + "/eventbus/"));

    // (b) the web node with the most clients is killed under load: they come back through HAProxy on the other one
    int victim = clientsOnNode(nodeId(web[0])).size() >= clientsOnNode(nodeId(web[1])).size() ? 0 : 1;
    int survivor = 1 - victim;
    String survivorId = nodeId(web[survivor]);
    Set<Integer> moving = clientsOnNode(nodeId(web[victim]));
    assertThat(moving).as("clients on the node to kill").isNotEmpty();
    long pageOffsetBefore = browser.opsOffset("ops.health");
    long killedAt = System.currentTimeMillis();
    web[victim].kill();
    awaitClientsOn(List.of(survivorId), moving, killedAt, Duration.ofSeconds(30));
    long killReconnectedMs = clients.opens().stream().filter(o -> o.at() > killedAt).mapToLong(o -> o.at() - killedAt)
        .max().orElseThrow();
    awaitMoreMessages(Duration.ofSeconds(20));
    await("/ops connected again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> browser.opsConnectedWithRtt() && browser.opsOffset("ops.health") > pageOffsetBefore + 1);
    assertNoGap("after the kill");
    Reliability.record("haproxy-failover", "web-node-killed", Map.of("reconnectedMs", killReconnectedMs));

    // the killed node comes back on its port; HAProxy takes it back once /ready answers 200 again
    HubProcess restarted = webNode(1 + victim, "haproxy-web-" + (victim + 1) + "-again", webPorts[victim], origins);
    restarted.awaitHealthy(START);
    haproxy.awaitServerStatus(BACKEND, "web" + (victim + 1), "UP", Duration.ofSeconds(20));
    String restartedId = nodeId(restarted);

    // (c) SIGTERM with a drain: /ready 503 first, HAProxy marks the node down, only then are its clients closed
    HubProcess drained = web[survivor];
    String drainedServer = "web" + (survivor + 1);
    assertThat(clientsOnNode(survivorId)).as("clients on the node to drain").hasSize(CLIENTS);
    long pageOffsetBeforeDrain = browser.opsOffset("ops.health");
    long termAt = System.currentTimeMillis();
    ProcessHandle.of(drained.pid()).orElseThrow().destroy();
    await("/ready 503 draining").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> {
          HttpResponse<String> ready = drained.get("/ready");
          return ready.statusCode() == 503 && "draining".equals(new JsonObject(ready.body()).getString("status"));
        });
    assertThat(closesSince(termAt)).as("clients closed before /ready said draining").isEmpty();
    await("HAProxy marks " + drainedServer + " down").atMost(Duration.ofSeconds(DRAIN_MS / 1000))
        .pollInterval(Duration.ofMillis(50)).until(() -> haproxy.serverStatus(BACKEND, drainedServer).startsWith("DOWN"));
    long downAt = System.currentTimeMillis();
    assertThat(new JsonObject(get(publicUrl + "/health").body()).getString("nodeId"))
        .as("a new request while the node drains goes to the other node").isEqualTo(restartedId);
    assertThat(closesSince(termAt)).as("clients closed before HAProxy marked the node down").isEmpty();

    awaitClientsOn(List.of(restartedId), allClients(), termAt, Duration.ofSeconds(30));
    List<ResumingClients.Close> drainCloses = closesSince(termAt);
    long firstClose = drainCloses.stream().mapToLong(ResumingClients.Close::at).min().orElseThrow();
    assertThat(firstClose).as("clients closed after HAProxy marked the node down").isGreaterThan(downAt);
    assertThat(firstClose - termAt).as("the drain lasted its setting, and no longer than it plus the close")
        .isBetween(DRAIN_MS - 50, DRAIN_MS + 3_000);
    assertThat(drainCloses).allSatisfy(c -> {
      assertThat(c.code()).isEqualTo(4000);
      assertThat(c.reason()).isEqualTo("node_shutdown");
    });
    long drainReconnectedMs = clients.opens().stream().filter(o -> o.at() > termAt).mapToLong(o -> o.at() - firstClose)
        .max().orElseThrow();
    awaitMoreMessages(Duration.ofSeconds(20));
    await("/ops connected after the drain").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> browser.opsConnectedWithRtt() && browser.opsOffset("ops.health") > pageOffsetBeforeDrain + 1);
    assertNoGap("after the drain");
    assertThat(drained.stop(Duration.ofSeconds(20))).as("exit code of the drained node").isZero();
    Reliability.record("haproxy-failover", "web-node-drained", Map.of("markedDownMs", downAt - termAt,
        "closedMs", firstClose - termAt, "reconnectedMs", drainReconnectedMs));
    browser.screenshot("ops-behind-haproxy");
  }

  private HubProcess webNode(int index, String name, int port, String origins) {
    return cluster.start(name, index, "web", "--http-port", Integer.toString(port), "--drain-ms",
        Long.toString(DRAIN_MS), "--allowed-origins", origins);
  }

  private static String nodeId(HubProcess node) throws IOException, InterruptedException {
    return new JsonObject(node.get("/health").body()).getString("nodeId");
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return https.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Waits until every client is on one of {@code nodes}, those in {@code moving} by an open after {@code since}. */
  private void awaitClientsOn(List<String> nodes, Set<Integer> moving, long since, Duration timeout) {
    await("every client on " + nodes).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(clients.isAlive()).as("node client running").isTrue();
      List<ResumingClients.Open> opens = clients.opens();
      return IntStream.range(0, CLIENTS).allMatch(c -> clients.nodeOf(c) != null && nodes.contains(clients.nodeOf(c))
          && (!moving.contains(c) || opens.stream().anyMatch(o -> o.client() == c && o.at() >= since)));
    });
  }

  private Set<Integer> clientsOnNode(String nodeId) {
    return IntStream.range(0, CLIENTS).filter(c -> nodeId.equals(clients.nodeOf(c))).boxed().collect(Collectors.toSet());
  }

  /** Waits until every client got another 200 bench messages (a second of the load). */
  private void awaitMoreMessages(Duration timeout) {
    long[] before = IntStream.range(0, CLIENTS).mapToLong(c -> clients.messages(c, Addresses.BENCH)).toArray();
    await("more messages on every client").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() ->
        IntStream.range(0, CLIENTS).allMatch(c -> clients.messages(c, Addresses.BENCH) >= before[c] + 200));
  }

  private static Set<Integer> allClients() {
    return IntStream.range(0, CLIENTS).boxed().collect(Collectors.toSet());
  }

  private List<ResumingClients.Close> closesSince(long at) {
    return clients.closes().stream().filter(c -> c.at() >= at).toList();
  }

  private void assertNoGap(String when) {
    assertThat(clients.gaps()).as("gaps %s: %s", when, clients.problems()).isZero();
    assertThat(clients.copies()).as("messages twice %s: %s", when, clients.problems()).isZero();
    assertThat(clients.snapshots()).as("snapshots %s (a resume the history could not serve)", when).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> stats = (Map<String, Map<String, Object>>) browser.js("return window.opshub.streamStats;");
    for (Map.Entry<String, Map<String, Object>> e : stats.entrySet()) {
      assertThat(((Number) e.getValue().get("gaps")).longValue()).as("/ops gaps on %s %s: %s", e.getKey(), when,
          e.getValue()).isZero();
    }
  }

  /** What HAProxy answers a WebSocket upgrade of SockJS session {@code session} with {@code Host} and {@code Origin}. */
  private static int upgradeStatus(SSLContext tls, int port, String session, String host, String origin)
      throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      String request = "GET /eventbus/000/" + session + "/websocket HTTP/1.1\r\nHost: " + host + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertThat(status).as("status line").startsWith("HTTP/1.1 ");
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
