package dev.opshub.it.browser;

import dev.opshub.it.HubProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three dashboards of one real hub (every role, no cluster) in headless Chromium: /ops live with the five agents,
 * an operator drill from the page to a resolved incident and its consensus round, the phone layout, and /demo and
 * /transparency with real content and no WebSocket or /eventbus request (from the browser's own network events).
 * No page may log a console error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DashboardsIT {

  private static final String TOKEN = "it-token";
  private static final Duration LIVE = Duration.ofSeconds(10);

  private HubProcess hub;
  private Browser browser;

  @BeforeAll
  void start() {
    Browser.assumeChromium();
    // a fresh data directory, so the figures on /demo come from this run's drills only
    String dataDir = Paths.get("target", "it-data", "browser-dashboards-" + System.currentTimeMillis()).toAbsolutePath().toString();
    hub = HubProcess.start("browser-dashboards", "--operator-token", TOKEN, "--data-dir", dataDir);
    hub.awaitHealthy(Duration.ofSeconds(90));
    browser = Browser.open();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (hub != null) {
      hub.stop();
    }
  }

  @AfterEach
  void noConsoleErrors() {
    if (browser != null) {
      assertThat(browser.consoleErrors()).as("console errors").isEmpty();
    }
  }

  private String url(String path) {
    return hub.baseUrl() + path;
  }

  private Object js(String script, Object... args) {
    return browser.js(script, args);
  }

  private long offset(String address) {
    Object o = js("const s = window.opshub && window.opshub.streamStats[arguments[0]]; return s ? s.offset : null;", address);
    return o == null ? -1 : ((Number) o).longValue();
  }

  @Test
  @Order(1)
  void opsShowsTheFiveAgentsAndLiveUpdates() {
    browser.clearLogs();
    browser.driver.get(url("/ops"));
    await("five agents with a live state").atMost(LIVE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> browser.driver.findElements(By.cssSelector("#agents .agent:not([data-state='unknown'])")).size() == 5);
    @SuppressWarnings("unchecked")
    List<String> agents = (List<String>) js("return [...document.querySelectorAll('#agents .agent')].map(e => e.dataset.agent);");
    assertThat(agents).containsExactlyInAnyOrder("detection", "diagnosis", "prediction", "resolution", "communication");

    long health = offset("ops.health");
    await("ops.health moves on by itself").atMost(LIVE).pollInterval(Duration.ofMillis(200))
        .until(() -> offset("ops.health") > health);
    await("node health shown").atMost(LIVE).ignoreExceptions()
        .until(() -> !browser.driver.findElements(By.cssSelector("#health-nodes tbody tr")).isEmpty());
    await("connected with a measured RTT").atMost(LIVE).ignoreExceptions().until(browser::opsConnectedWithRtt);
    assertThat(browser.webSocketsCreated()).as("/ops opens the bridge").anyMatch(u -> u.contains("/eventbus/"));
  }

  @Test
  @Order(2)
  void operatorStartsADrillAndSeesItsIncidentResolvedAndItsConsensusRound() {
    WebElement token = browser.driver.findElement(By.id("token"));
    token.sendKeys(TOKEN, Keys.ENTER);  // keyboard only: the form submits on Enter
    await("controls unlocked").atMost(LIVE).until(() -> browser.driver.findElement(By.id("start-form")).isDisplayed());
    await("scenario list loaded").atMost(LIVE).ignoreExceptions().until(() ->
        new Select(browser.driver.findElement(By.id("scenario"))).getOptions().stream()
            .anyMatch(o -> "database_cascade".equals(o.getDomAttribute("value"))));
    new Select(browser.driver.findElement(By.id("scenario"))).selectByValue("database_cascade");
    WebElement speed = browser.driver.findElement(By.id("speed"));
    speed.clear();
    speed.sendKeys("600");
    browser.driver.findElement(By.id("start-drill")).sendKeys(Keys.ENTER);

    await("the hub accepted the drill").atMost(LIVE).ignoreExceptions().until(() ->
        "ok".equals(browser.driver.findElement(By.id("control-result")).getDomAttribute("data-kind")));
    await("a drill shown").atMost(LIVE).ignoreExceptions()
        .until(() -> !browser.driver.findElements(By.cssSelector("#drills .drill")).isEmpty());
    await("its incident reaches resolved").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> !browser.driver.findElements(By.cssSelector(
            "#incidents .incident[data-status='resolved'], #incidents .incident[data-status='closed']")).isEmpty());
    await("its consensus round shown").atMost(LIVE).ignoreExceptions()
        .until(() -> !browser.driver.findElements(By.cssSelector("#consensus .round .votes tbody tr")).isEmpty());
  }

  @Test
  @Order(3)
  void operatorApprovesADecisionUnderTheThreshold() {
    new Select(browser.driver.findElement(By.id("scenario"))).selectByValue("memory_leak");
    WebElement seed = browser.driver.findElement(By.id("seed"));
    seed.clear();
    seed.sendKeys("7");
    WebElement speed = browser.driver.findElement(By.id("speed"));
    speed.clear();
    speed.sendKeys("60");
    new Select(browser.driver.findElement(By.id("policy"))).selectByValue("wait");
    browser.driver.findElement(By.id("start-drill")).sendKeys(Keys.ENTER);

    String pending = "#consensus .round[data-status='awaiting_approval'] button.approve";
    await("a round waits for approval").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
        .ignoreExceptions().until(() -> count(pending) > 0);
    await("approved from the keyboard").atMost(LIVE).ignoreExceptions().until(() -> {
      if (count(pending) > 0) {
        browser.driver.findElement(By.cssSelector(pending)).sendKeys(Keys.ENTER);
      }
      return browser.driver.findElement(By.id("control-result")).getText().matches("(?s).*approve round .*: ok.*");
    });
    await("the hub records the operator's approval").atMost(LIVE).ignoreExceptions()
        .until(() -> count("#consensus .round[data-status='approved']") > 0);
    assertThat((String) js("return document.querySelector(\"#consensus .round[data-status='approved'] .decision\").textContent;"))
        .contains("by operator");
    await("its incident goes on to resolved").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> count("#incidents .incident[data-status='resolved'], #incidents .incident[data-status='closed']") >= 2);
    browser.screenshot("ops");
  }

  @Test
  @Order(4)
  void operatorPausesResumesInjectsAFaultAndSeesTheHubsRefusals() {
    new Select(browser.driver.findElement(By.id("scenario"))).selectByValue("database_cascade");
    WebElement speed = browser.driver.findElement(By.id("speed"));
    speed.clear();
    speed.sendKeys("2");
    new Select(browser.driver.findElement(By.id("policy"))).selectByValue("auto_approve");
    browser.driver.findElement(By.id("start-drill")).click();
    await("the slow drill shown").atMost(LIVE).ignoreExceptions()
        .until(() -> count("#drills .drill[data-status='running'] .drill-controls") > 0);
    String id = (String) js("return [...window.opshub.store.drills.values()].filter(d => d.state === 'running').pop().id;");
    String drill = "#drills .drill[data-drill='" + id + "']";

    clickIn(drill, "Pause");
    await("paused").atMost(LIVE).ignoreExceptions().until(() -> count(drill + "[data-status='paused']") > 0);
    clickIn(drill, "Resume");
    await("running again").atMost(LIVE).ignoreExceptions().until(() -> count(drill + "[data-status='running']") > 0);

    await("fault injected").atMost(LIVE).ignoreExceptions().until(() -> {
      new Select(browser.driver.findElement(By.cssSelector(drill + " select[aria-label^='agent']"))).selectByValue("diagnosis");
      new Select(browser.driver.findElement(By.cssSelector(drill + " select[aria-label^='fault']"))).selectByValue("slow");
      browser.driver.findElement(By.xpath("//*[@data-drill='" + id + "']//button[contains(., 'Inject fault')]")).click();
      return resultText().contains("Inject fault: ok");
    });
    await("the fault shown on the drill").atMost(LIVE).ignoreExceptions()
        .until(() -> ((String) js("return document.querySelector(arguments[0] + ' .fault').textContent;", drill)).contains("diagnosis"));

    // a speed the hub refuses: its error code and message are shown, not swallowed
    await("refusal shown").atMost(LIVE).ignoreExceptions().until(() -> {
      WebElement input = browser.driver.findElement(By.cssSelector(drill + " input[aria-label^='speed']"));
      input.clear();
      input.sendKeys("5000");
      browser.driver.findElement(By.xpath("//*[@data-drill='" + id + "']//button[contains(., 'Set speed')]")).click();
      return resultText().matches("(?s).*Speed refused: invalid_request.*");
    });
    assertThat(js("return document.getElementById('control-result').dataset.kind;")).isEqualTo("error");

    clickIn(drill, "Stop");
    await("stopped").atMost(LIVE).ignoreExceptions().until(() -> count(drill + "[data-status='stopped']") > 0);
  }

  private String resultText() {
    return (String) js("return document.getElementById('control-result').textContent;");
  }

  /** Clicks the button labelled {@code label} in a drill's controls (they re-render with every drill update). */
  private void clickIn(String drill, String label) {
    await("click " + label).atMost(LIVE).ignoreExceptions().until(() -> {
      browser.driver.findElement(By.cssSelector(drill)).findElement(By.xpath(".//button[contains(., '" + label + "')]")).click();
      return true;
    });
  }

  @Test
  @Order(5)
  void opsFitsAPhoneScreen() {
    browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    try {
      browser.driver.navigate().refresh();
      await("agents on the phone").atMost(LIVE).ignoreExceptions()
          .until(() -> browser.driver.findElements(By.cssSelector("#agents .agent:not([data-state='unknown'])")).size() == 5);
      Number overflow = (Number) js("return document.documentElement.scrollWidth - window.innerWidth;");
      assertThat(overflow.intValue()).as("horizontal overflow in px at 390 px").isLessThanOrEqualTo(0);
      browser.screenshot("ops-phone");
    } finally {
      browser.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  @Test
  @Order(6)
  void demoShowsRealFiguresOverRestOnly() {
    browser.clearLogs();
    browser.driver.get(url("/demo"));
    await("incidents handled counted").atMost(LIVE).ignoreExceptions().until(() -> {
      String text = browser.driver.findElement(By.cssSelector("[data-kpi='incidents'] .value")).getText();
      return text.matches("\\d+") && Integer.parseInt(text) >= 1;
    });
    assertThat(js("return document.getElementById('empty').hidden;")).as("empty state hidden").isEqualTo(true);
    assertThat((String) js("return document.querySelector(\"[data-kpi='mttr'] .value\").textContent;")).matches("[\\d.]+ min");
    assertThat(((Number) js("return document.querySelectorAll('#latest tbody tr').length;")).intValue()).isPositive();
    browser.screenshot("demo");
    assertNoBridge("/demo", "/api/summary");
  }

  @Test
  @Order(7)
  void transparencyShowsARecordedRunOverRestOnly() {
    browser.clearLogs();
    browser.driver.get(url("/transparency"));
    // recorded runs ship with the build; the drills run above left their after-action reports
    await("recorded runs and reports listed").atMost(LIVE).ignoreExceptions()
        .until(() -> count("#recorded button") >= 1 && count("#reports button") >= 2);
    await("a run's reasoning shown").atMost(LIVE).ignoreExceptions()
        .until(() -> count("#run .steps li") > 0 && count("#run .chart canvas") > 0);
    assertThat(count("#run .round .votes tbody tr, #run .round tbody tr")).as("consensus votes").isPositive();
    assertThat(count("#run .tree li")).as("decision tree").isPositive();
    assertThat(count("#run .alternatives li")).as("alternatives with probabilities").isPositive();
    assertThat(count("#run .comms li")).as("agent-to-agent communications of the recorded run").isPositive();
    browser.screenshot("transparency");
    assertNoBridge("/transparency", "/api/recorded");
  }

  @Test
  @Order(8)
  void busClientDropsDuplicatesCountsGapsAndFollowsANewEpoch() {
    browser.clearLogs();
    browser.driver.get(url("/demo"));  // any page of the node: the module is imported on its own, unconnected
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) browser.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        import('/js/eventbus.js').then(({ OpsBus }) => {
          const bus = new OpsBus(['http://127.0.0.1:1']);
          const seen = [];
          bus.subscribe('ops.test', (body, headers, meta) => seen.push(body.v + (meta.snapshot ? 's' : '')));
          const rec = (epoch, offset, v, key, snapshot) => bus.onMessage(JSON.stringify({ type: 'rec', address: 'ops.test',
            headers: Object.assign({ epoch: String(epoch), offset: String(offset) }, snapshot ? { snapshot: 'true' } : {}),
            body: { v, key } }));
          rec(10, 1, 'a', 'k1'); rec(10, 2, 'b', 'k2'); rec(10, 2, 'b-again', 'k2');  // duplicate dropped
          rec(10, 5, 'e', 'k1');                                                     // 3 and 4 missing: one gap
          rec(10, 1, 'old-snapshot', 'k1', true);                                    // older than what we hold for k1
          rec(9, 6, 'stale-epoch', 'k1');                                            // from an engine that is gone
          rec(11, 1, 'new-epoch', 'k1');                                             // a new engine: no gap
          rec(11, 2, 'next', 'k2');
          done(Object.assign({ seen: seen.join(',') }, bus.streamStats()['ops.test']));
        }).catch(e => done({ error: String(e) }));
        """);
    assertThat(stats.get("error")).isNull();
    assertThat(stats.get("seen")).isEqualTo("a,b,e,new-epoch,next");
    assertThat(((Number) stats.get("duplicates")).intValue()).isEqualTo(2);
    assertThat(((Number) stats.get("gaps")).intValue()).isEqualTo(1);
    assertThat(((Number) stats.get("missing")).intValue()).isEqualTo(2);
    assertThat(((Number) stats.get("epochChanges")).intValue()).isEqualTo(1);
    assertThat(((Number) stats.get("offset")).intValue()).isEqualTo(2);
    assertThat(browser.webSocketsCreated()).as("an unstarted client opens nothing").isEmpty();
  }

  private int count(String selector) {
    return ((Number) js("return document.querySelectorAll(arguments[0]).length;", selector)).intValue();
  }

  private void assertNoBridge(String page, String expectedRequest) {
    List<String> requests = browser.requestsSent();
    assertThat(requests).as(page + " requests (proves the network log is read)").anyMatch(u -> u.contains(expectedRequest));
    assertThat(requests).as(page + " must not touch the bridge").noneMatch(u -> u.contains("/eventbus"));
    assertThat(browser.webSocketsCreated()).as(page + " must open no WebSocket").isEmpty();
  }
}
