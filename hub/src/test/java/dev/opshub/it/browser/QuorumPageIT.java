package dev.opshub.it.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opshub.it.HubProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What /ops shows on a side of the cluster without the quorum, in headless Chromium: a web node alone in a cluster
 * whose quorum is 2 answers the page's {@code ops.ping} with no engine ({@code no_quorum}), and the connection
 * status says "no engine in this part of the cluster"; once a second node (agents and engine) joins, the quorum is
 * there, its engine is active and the page shows the normal status again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuorumPageIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration SHOWN = Duration.ofSeconds(20);

  private final List<HubProcess> nodes = new ArrayList<>();
  private Browser browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    nodes.forEach(HubProcess::stop);
  }

  @Test
  void theStatusSaysThereIsNoEngineWithoutTheQuorumAndIsNormalOnceItIsThere() throws Exception {
    Browser.assumeChromium();
    String cluster = "quorum-page-" + UUID.randomUUID().toString().substring(0, 8);
    int[] ports = {HubProcess.freePort(), HubProcess.freePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
    HubProcess web = node("quorum-page-web", cluster, ports[0], members, "web").awaitHealthy(START);
    browser = Browser.open();
    browser.driver.get(web.baseUrl() + "/ops");
    await("no engine shown").atMost(SHOWN).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
        "connected".equals(conn().getDomAttribute("data-status")) && engineNote().isDisplayed()
            && engineNote().getText().equals("no engine in this part of the cluster"));
    assertThat(conn().getDomAttribute("data-engine")).isEqualTo("none");
    browser.screenshot("ops-no-quorum");

    node("quorum-page-engine", cluster, ports[1], members, "agents,engine");
    await("normal status once the quorum is there").atMost(START).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> "active".equals(conn().getDomAttribute("data-engine")) && !engineNote().isDisplayed());
    assertThat(conn().getDomAttribute("data-status")).isEqualTo("connected");
  }

  private WebElement conn() {
    return browser.driver.findElement(By.id("conn"));
  }

  private WebElement engineNote() {
    return browser.driver.findElement(By.id("conn-engine"));
  }

  private HubProcess node(String name, String cluster, int port, String members, String roles) {
    HubProcess node = HubProcess.start(name, "--cluster", "--roles", roles, "--cluster-name", cluster,
        "--cluster-port", Integer.toString(port), "--cluster-members", members, "--cluster-interface", "127.0.0.1",
        "--host", "127.0.0.1", "--cluster-quorum", "2");
    nodes.add(node);
    return node;
  }
}
