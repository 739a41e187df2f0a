package dev.opshub.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One opshub node as a real JVM started from the fat jar ({@code java -jar <opshub.jar> args...}), for
 * integration tests. Output goes to {@code target/it-logs/<name>.log}. {@link #stop()} sends SIGTERM (graceful
 * shutdown) and waits a bounded time, {@link #kill()} ends it at once (fault tests).
 *
 * <pre>{@code
 * try (HubProcess hub = HubProcess.start("single", "--http-port", String.valueOf(HubProcess.freePort()))) {
 *   hub.awaitHealthy(Duration.ofSeconds(60));
 *   ... hub.baseUrl() + "/ops" ...
 * }
 * }</pre>
 */
public final class HubProcess implements AutoCloseable {

  /** Default bound on a graceful stop before the process is killed. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Set<Integer> GIVEN_PORTS = ConcurrentHashMap.newKeySet();

  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;
  private final String operatorToken;
  private final String host;

  private HubProcess(String name, Process process, Path log, int httpPort, String operatorToken, String host) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.operatorToken = operatorToken;
    this.host = host;
  }

  /**
   * Starts {@code java -jar <opshub.jar> args...}. The jar comes from system property {@code opshub.jar}
   * (set by failsafe), else {@code target/opshub.jar}. When {@code args} has no {@code --http-port}, a free
   * port is added; when it has no {@code --operator-token}, a random one is added (see {@link #operatorToken()}).
   * The node runs with {@code --data-dir target/it-data/<name>} unless {@code args} names one.
   */
  public static HubProcess start(String name, String... args) {
    return launch(List.of(), "127.0.0.1", name, args);
  }

  /**
   * As {@link #start}, inside the network namespace {@code namespace} ({@code ip netns exec}, which becomes the
   * JVM: {@link #pid()} is the node's), reached at {@code host} ({@link #baseUrl()}); the node's HTTP server binds
   * {@code host} unless {@code args} names a {@code --host}.
   */
  public static HubProcess startInNamespace(String namespace, String host, String name, String... args) {
    List<String> withHost = new ArrayList<>(Arrays.asList(args));
    if (!withHost.contains("--host")) {
      withHost.add("--host");
      withHost.add(host);
    }
    return launch(List.of("ip", "netns", "exec", namespace), host, name, withHost.toArray(String[]::new));
  }

  private static HubProcess launch(List<String> prefix, String host, String name, String... args) {
    List<String> given = Arrays.asList(args);
    List<String> command = new ArrayList<>(prefix);
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Dhazelcast.phone.home.enabled=false");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(given);
    int port;
    int at = given.indexOf("--http-port");
    if (at >= 0 && at + 1 < given.size()) {
      port = Integer.parseInt(given.get(at + 1));
    } else {
      port = freePort();
      command.add("--http-port");
      command.add(String.valueOf(port));
    }
    String token;
    int tokenAt = given.indexOf("--operator-token");
    if (tokenAt >= 0 && tokenAt + 1 < given.size()) {
      token = given.get(tokenAt + 1);
    } else {
      token = "it-token-" + Long.toHexString(System.nanoTime());
      command.add("--operator-token");
      command.add(token);
    }
    if (!given.contains("--data-dir")) {
      command.add("--data-dir");
      command.add(Paths.get("target", "it-data", name).toAbsolutePath().toString());
    }
    try {
      Path logDir = Paths.get("target", "it-logs");
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().remove("OPSHUB_OPERATOR_TOKEN");
      return new HubProcess(name, builder.start(), log, port, token, host);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start hub process " + name, e);
    }
  }

  /** The opshub fat jar under test. */
  public static Path jar() {
    Path jar = Paths.get(System.getProperty("opshub.jar", "target/opshub.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("opshub jar not found at " + jar + " (run mvn package first)");
    }
    return jar;
  }

  /** A TCP port free on 127.0.0.1 right now, and not handed out before by this JVM (nodes bind theirs later). */
  public static int freePort() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        if (GIVEN_PORTS.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Waits until {@code GET /health} answers 200, failing early when the process dies. */
  public HubProcess awaitHealthy(Duration timeout) {
    await("hub " + name + " /health")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("hub " + name + " exited with " + process.exitValue() + ", see " + log);
          }
          return get("/health").statusCode() == 200;
        });
    return this;
  }

  /**
   * Waits until the node's log contains {@code text} (for nodes without the web role, e.g. "engine active"),
   * failing early when the process dies.
   */
  public HubProcess awaitLog(String text, Duration timeout) {
    await("hub " + name + " log: " + text)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          if (logText().contains(text)) {
            return true;
          }
          if (!process.isAlive()) {
            throw new IllegalStateException("hub " + name + " exited with " + process.exitValue() + ", see " + log);
          }
          return false;
        });
    return this;
  }

  /** {@code GET <baseUrl><path>} with a short timeout. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(5)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * Starts a drill as a careful client does: {@code POST /api/drills} with an {@code Idempotency-Key}, sent again
   * with the same key every second while the answer is 503 (an engine taking over), for up to 30 s.
   *
   * @return the 201 answer's body, the drill
   */
  public String startDrill(String body) {
    String key = UUID.randomUUID().toString();
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/drills")).timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + operatorToken).header("Content-Type", "application/json")
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    String[] drill = new String[1];
    await("POST /api/drills on " + name).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofSeconds(1)).until(() -> {
          HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          if (response.statusCode() == 503) {
            return false;
          }
          if (response.statusCode() != 201) {
            throw new AssertionError("POST /api/drills on " + name + ": " + response.statusCode() + " " + response.body());
          }
          drill[0] = response.body();
          return true;
        });
    return drill[0];
  }

  public String name() {
    return name;
  }

  public int httpPort() {
    return httpPort;
  }

  /** {@code http://127.0.0.1:<port>} (or the node's own address in a network namespace). */
  public String baseUrl() {
    return "http://" + host + ":" + httpPort;
  }

  /** The address the node is reached at: 127.0.0.1, or its own in a network namespace. */
  public String host() {
    return host;
  }

  public String operatorToken() {
    return operatorToken;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return log;
  }

  /** The node's log so far (for assertions and failure messages). */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e + ">";
    }
  }

  /**
   * Graceful stop: SIGTERM, then waits up to {@code timeout}; if still running, kills it.
   *
   * @return the exit code, or -1 when it had to be killed
   */
  public int stop(Duration timeout) {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    process.destroy();
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }

  /** {@link #stop(Duration)} with {@link #STOP_TIMEOUT}. */
  public int stop() {
    return stop(STOP_TIMEOUT);
  }

  /** Kills the process at once (SIGKILL), as a crash would; waits for it to be gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the node if it still runs (graceful, bounded). */
  @Override
  public void close() {
    stop();
  }
}
