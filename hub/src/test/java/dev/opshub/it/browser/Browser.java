package dev.opshub.it.browser;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven by Selenium through {@code /usr/bin/chromedriver}, recording the browser's
 * console and its DevTools network events (performance log). When Chromium or its driver is missing the calling
 * test is skipped, unless system property {@code opshub.requireChromium=true} (then it fails).
 */
public final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");

  private static final Logger LOG = LoggerFactory.getLogger(Browser.class);

  public final ChromeDriver driver;
  private final Path profile;
  private final List<LogEntry> console = new ArrayList<>();
  private final List<JsonObject> network = new ArrayList<>();

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips (or fails, when Chromium is required) the calling test when no Chromium is installed. */
  public static void assumeChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String message = "Chromium not installed (" + CHROMIUM + ", " + CHROMEDRIVER
          + "): apt-get install chromium chromium-driver";
      if (Boolean.getBoolean("opshub.requireChromium")) {
        throw new AssertionError(message + " (opshub.requireChromium=true)");
      }
      Assumptions.abort(message + "; browser test skipped");
    }
  }

  /** @param extraArguments more Chromium switches (e.g. {@code --ignore-certificate-errors-spki-list=...}) */
  public static Browser open(String... extraArguments) {
    assumeChromium();
    try {
      Path profile = Files.createTempDirectory("opshub-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1440,900");
      options.addArguments(extraArguments);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      logs.enable(LogType.PERFORMANCE, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort()
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().window().setSize(new Dimension(1440, 900));
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** True while {@code /ops} shows connected with a measured RTT. */
  public boolean opsConnectedWithRtt() {
    return "connected".equals(driver.findElement(By.id("conn")).getDomAttribute("data-status"))
        && driver.findElement(By.id("rtt")).getText().matches("RTT \\d+ ms");
  }

  /** The last offset {@code /ops} saw on {@code address}, 0 before any. */
  public long opsOffset(String address) {
    Object offset = js("const s = window.opshub && window.opshub.streamStats[arguments[0]]; return s ? s.offset : 0;",
        address);
    return offset instanceof Number n ? n.longValue() : 0;
  }

  /** Reads the console and network events gathered since the last call (the driver hands each entry out once). */
  void drainLogs() {
    driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try {
        JsonObject message = new JsonObject(entry.getMessage()).getJsonObject("message");
        if (message != null && message.getString("method", "").startsWith("Network.")) {
          network.add(message);
        }
      } catch (RuntimeException e) {
        LOG.debug("unreadable performance log entry", e);
      }
    }
  }

  /** Console entries at SEVERE level (errors, failed loads) seen so far. */
  public List<String> consoleErrors() {
    drainLogs();
    return console.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(e -> e.getLevel() + " " + e.getMessage()).toList();
  }

  /** URLs of WebSockets the page created (DevTools {@code Network.webSocketCreated}). */
  public List<String> webSocketsCreated() {
    drainLogs();
    return network.stream().filter(m -> "Network.webSocketCreated".equals(m.getString("method")))
        .map(m -> m.getJsonObject("params").getString("url")).toList();
  }

  /** URLs of every request the page sent (DevTools {@code Network.requestWillBeSent}). */
  List<String> requestsSent() {
    drainLogs();
    return network.stream().filter(m -> "Network.requestWillBeSent".equals(m.getString("method")))
        .map(m -> m.getJsonObject("params").getJsonObject("request").getString("url")).toList();
  }

  /** Forgets the events gathered so far (e.g. before loading the next page). */
  void clearLogs() {
    drainLogs();
    console.clear();
    network.clear();
  }

  /**
   * Saves a screenshot of the whole page (beyond the viewport) as {@code target/screenshots/<name>.png}; with
   * {@code -Dopshub.updateDocsScreenshots=true} also as {@code ../docs/screenshots/<name>.png} (the README's).
   */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      byte[] png = fullPage();
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.write(target, png);
      if (Boolean.getBoolean("opshub.updateDocsScreenshots")) {
        Path docs = Paths.get("..", "docs", "screenshots");
        Files.createDirectories(docs);
        Files.write(docs.resolve(name + ".png"), png);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] fullPage() {
    try {
      Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
      double width = ((Number) size.get("width")).doubleValue();
      double height = Math.min(((Number) size.get("height")).doubleValue(), 8000);
      Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
          "format", "png", "captureBeyondViewport", true,
          "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
      return Base64.getDecoder().decode((String) shot.get("data"));
    } catch (RuntimeException e) {
      LOG.debug("full-page capture failed, taking the viewport", e);
      return ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.debug("cannot remove {}", profile, e);
      }
    }
  }
}
