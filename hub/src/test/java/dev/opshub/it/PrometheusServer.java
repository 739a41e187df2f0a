package dev.opshub.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server started by a test: the binary with a config file, its TSDB in a directory of the test's
 * and its HTTP API on 127.0.0.1 at a free port, its output in a log file. {@link #close()} ends that process (by its
 * PID: SIGTERM, then SIGKILL after 10 s).
 */
final class PrometheusServer implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static PrometheusServer start(Path binary, Path config, Path dataDir, Path log) {
    int port = HubProcess.freePort();
    List<String> command = List.of(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dataDir,
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1h", "--log.level=info");
    try {
      Files.createDirectories(dataDir);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new PrometheusServer(process, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Waits until {@code /-/ready} answers 200, failing early when the process exits. */
  PrometheusServer awaitReady(Duration timeout) {
    await("prometheus ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + logText());
      }
      return get("/-/ready").statusCode() == 200;
    });
    return this;
  }

  /**
   * The answer of {@code /api/v1/query} for {@code expr} at the current time: its {@code data} object
   * ({@code resultType}, {@code result}); fails when Prometheus refuses the expression.
   */
  JsonObject query(String expr) throws IOException, InterruptedException {
    HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    JsonObject body = new JsonObject(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.getString("status"))) {
      throw new AssertionError("query " + expr + " refused: " + response.statusCode() + " " + response.body());
    }
    return body.getJsonObject("data");
  }

  /** The rule groups of {@code /api/v1/rules}, each rule with its {@code health} and {@code lastError}. */
  JsonArray ruleGroups() throws IOException, InterruptedException {
    return new JsonObject(get("/api/v1/rules").body()).getJsonObject("data").getJsonArray("groups");
  }

  /** The scrape targets of {@code /api/v1/targets} that are active. */
  JsonArray activeTargets() throws IOException, InterruptedException {
    return new JsonObject(get("/api/v1/targets").body()).getJsonObject("data").getJsonArray("activeTargets");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  long pid() {
    return process.pid();
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e + ">";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
