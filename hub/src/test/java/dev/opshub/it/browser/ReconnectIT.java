package dev.opshub.it.browser;

import dev.opshub.it.HubProcess;
import dev.opshub.it.Reliability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bridge connection of /ops is cut: a cluster of an agents+engine node and two web nodes, the page opened on
 * the first web node with both in its node list; the first web node shuts down (its bridge closes every client with
 * {@code node_shutdown}) or is killed (the kernel closes its sockets). The page must show reconnecting, fail over
 * to the second web node, show connected with a measured RTT, and resume every stream from its last
 * epoch/offset: no gap, no snapshot needed. The time to connected again goes to {@code target/reliability}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReconnectIT {

  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern RESUME_HITS = Pattern.compile("(?m)^opshub_bridge_resume_hits_total(?:\\{[^}]*})? ([0-9.eE+]+)");

  private final List<HubProcess> nodes = new ArrayList<>();
  private Browser browser;

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    nodes.forEach(HubProcess::stop);
  }

  @ParameterizedTest(name = "web node {0}")
  @ValueSource(strings = {"stopped", "killed"})
  void cutConnectionReconnectsToAnotherNodeAndResumesWithoutGap(String fault) throws Exception {
    Browser.assumeChromium();
    String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    int[] ports = {HubProcess.freePort(), HubProcess.freePort(), HubProcess.freePort()};
    int web1Port = HubProcess.freePort();
    int web2Port = HubProcess.freePort();
    String web1Url = "http://127.0.0.1:" + web1Port;
    String web2Url = "http://127.0.0.1:" + web2Port;
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];

    HubProcess engine = node("reconnect-engine", cluster, ports[0], members, "agents,engine", HubProcess.freePort());
    HubProcess web1 = node("reconnect-web-1", cluster, ports[1], members, "web", web1Port);
    HubProcess web2 = node("reconnect-web-2", cluster, ports[2], members, "web", web2Port,
        "--allowed-origins", web1Url + "," + web2Url);
    engine.awaitLog("engine active, epoch=", START);
    web1.awaitHealthy(START);
    web2.awaitHealthy(START);

    browser = Browser.open();
    browser.driver.get(web1Url + "/ops?nodes=" + web1Url + "," + web2Url);
    await("agents live through web node 1").atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> browser.driver.findElements(By.cssSelector("#agents .agent:not([data-state='unknown'])")).size() == 5
            && health().get("offset") instanceof Number);
    await("connected with RTT").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(browser::opsConnectedWithRtt);
    long snapshotsBefore = snapshots();
    long healthBefore = ((Number) health().get("offset")).longValue();
    assertThat(((String) browser.js("return window.opshub.bus.state.node;"))).isEqualTo(web1Url);

    long cutAt = System.currentTimeMillis();
    if ("killed".equals(fault)) {
      web1.kill();
    } else {
      web1.stop();  // graceful: its bridge tells every client node_shutdown
    }

    await("reconnecting shown").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> statuses().contains("reconnecting"));
    await("connected again, to web node 2, with RTT").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> browser.opsConnectedWithRtt() && web2Url.equals(browser.js("return window.opshub.bus.state.node;")));
    await("ops.health goes on").atMost(Duration.ofSeconds(15)).ignoreExceptions()
        .until(() -> ((Number) health().get("offset")).longValue() > healthBefore + 1);

    List<String> log = statuses();
    assertThat(log.lastIndexOf("reconnecting")).as("status log %s", log).isLessThan(log.lastIndexOf("connected"));
    Reliability.record("web-failover", "web-node-" + fault, Map.of("reconnectedMs", connectedAt() - cutAt));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> stats = (Map<String, Map<String, Object>>) browser.js("return window.opshub.streamStats;");
    for (Map.Entry<String, Map<String, Object>> e : stats.entrySet()) {
      assertThat(((Number) e.getValue().get("gaps")).longValue()).as("gaps on %s: %s", e.getKey(), e.getValue()).isZero();
    }
    assertThat(((Number) health().get("resumes")).longValue()).as("ops.health resumed").isPositive();
    assertThat(snapshots()).as("resumed from the history window, no snapshot needed").isEqualTo(snapshotsBefore);
    Matcher hits = RESUME_HITS.matcher(web2.get("/metrics").body());
    assertThat(hits.find() && Double.parseDouble(hits.group(1)) > 0).as("web node 2 counted resume hits").isTrue();
    browser.screenshot("ops-after-failover");
    // a killed node says nothing: the page tries it once more before the next one, and Chromium logs the refusal
    List<String> errors = browser.consoleErrors().stream()
        .filter(e -> !("killed".equals(fault) && e.contains(web1Url + "/") && e.contains("ERR_CONNECTION_REFUSED")))
        .toList();
    assertThat(errors).as("console errors").isEmpty();
  }

  private HubProcess node(String name, String cluster, int clusterPort, String members, String roles, int httpPort,
                          String... extra) {
    List<String> args = new ArrayList<>(List.of("--cluster", "--roles", roles, "--cluster-name", cluster,
        "--cluster-port", Integer.toString(clusterPort), "--cluster-members", members,
        "--cluster-interface", "127.0.0.1", "--host", "127.0.0.1", "--http-port", Integer.toString(httpPort)));
    args.addAll(List.of(extra));
    HubProcess node = HubProcess.start(name, args.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> health() {
    Object stats = browser.js("return window.opshub.streamStats['ops.health'];");
    return stats == null ? Map.of() : (Map<String, Object>) stats;
  }

  private long snapshots() {
    return ((Number) browser.js(
        "return Object.values(window.opshub.streamStats).reduce((n, s) => n + s.snapshots, 0);")).longValue();
  }

  @SuppressWarnings("unchecked")
  private List<String> statuses() {
    return ((List<Map<String, Object>>) browser.js("return window.opshub.statusLog;"))
        .stream().map(m -> (String) m.get("status")).toList();
  }

  /** When (the page's clock, epoch ms) it last showed connected. */
  @SuppressWarnings("unchecked")
  private long connectedAt() {
    List<Map<String, Object>> log = (List<Map<String, Object>>) browser.js("return window.opshub.statusLog;");
    return log.stream().filter(m -> "connected".equals(m.get("status")))
        .mapToLong(m -> ((Number) m.get("at")).longValue()).max().orElseThrow();
  }
}
