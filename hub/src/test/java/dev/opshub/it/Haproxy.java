package dev.opshub.it;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy process for integration tests: {@code haproxy -db -f <config>} with the environment the config
 * reads (ports, certificate, web nodes), its output in {@code target/it-logs/<name>.log}, its runtime API on a Unix
 * socket of its own ({@code OPSHUB_HAPROXY_SOCKET}) for {@link #serverStatus}. The config is checked first
 * ({@code haproxy -c}), so a bad one fails with HAProxy's own message. {@link #close()} ends the process by its PID.
 * {@link #assumeAvailable()} skips the calling test where {@code haproxy} or {@code openssl} is missing, or fails it
 * with system property {@code opshub.requireHaproxy=true} (CI).
 *
 * <pre>{@code
 * try (Haproxy haproxy = Haproxy.start("haproxy", Haproxy.SHIPPED_CONFIG, Map.of("OPSHUB_WEB1", "127.0.0.1:8082"))) {
 *   haproxy.awaitServerStatus("opshub_web", "web1", "UP", Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class Haproxy implements AutoCloseable {

  /** The configuration the project ships ({@code deploy/haproxy/haproxy.cfg}), from the hub module's directory. */
  public static final Path SHIPPED_CONFIG = Paths.get("..", "deploy", "haproxy", "haproxy.cfg").toAbsolutePath().normalize();

  private final String name;
  private final Process process;
  private final Path log;
  private final Path socket;
  /** The directory made for the socket, removed on close; null when the caller chose the socket. */
  private final Path socketDir;

  private Haproxy(String name, Process process, Path log, Path socket, Path socketDir) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.socket = socket;
    this.socketDir = socketDir;
  }

  /** Skips (or, with {@code opshub.requireHaproxy=true}, fails) the calling test without haproxy and openssl. */
  public static void assumeAvailable() {
    String missing = executable("haproxy") == null ? "haproxy not installed (apt-get install haproxy)"
        : executable("openssl") == null ? "openssl not installed (apt-get install openssl)" : null;
    if (missing != null) {
      if (Boolean.getBoolean("opshub.requireHaproxy")) {
        throw new AssertionError(missing + " (opshub.requireHaproxy=true)");
      }
      Assumptions.abort(missing + "; HAProxy test skipped");
    }
  }

  /**
   * Checks {@code config} with {@code env}, then starts HAProxy in the foreground on it. {@code env} is added to
   * this JVM's environment; {@code OPSHUB_HAPROXY_SOCKET} is set to a socket of this instance unless given.
   */
  public static Haproxy start(String name, Path config, Map<String, String> env) {
    try {
      Path logDir = Paths.get("target", "it-logs");
      Files.createDirectories(logDir);
      Map<String, String> all = new HashMap<>(env);
      // a short path: a Unix socket's path has a bound of about 100 bytes
      Path socketDir = all.containsKey("OPSHUB_HAPROXY_SOCKET") ? null : Files.createTempDirectory("opshub-haproxy-");
      Path socket = socketDir == null ? Paths.get(all.get("OPSHUB_HAPROXY_SOCKET")) : socketDir.resolve("admin.sock");
      all.put("OPSHUB_HAPROXY_SOCKET", socket.toString());
      Path log = logDir.resolve(name + ".log");
      String haproxy = String.valueOf(executable("haproxy"));
      Process check = builder(all, log, haproxy, "-c", "-f", config.toString()).start();
      if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
        check.destroyForcibly();
        throw new IllegalStateException("haproxy -c refused " + config + ": " + Files.readString(log));
      }
      Process process = builder(all, log, haproxy, "-db", "-f", config.toString()).start();
      return new Haproxy(name, process, log, socket, socketDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start haproxy " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static ProcessBuilder builder(Map<String, String> env, Path log, String... command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder;
  }

  /** Waits until HAProxy accepts TCP connections on {@code port} of 127.0.0.1, failing early when it exits. */
  public Haproxy awaitListening(int port, Duration timeout) {
    await("haproxy " + name + " listening on " + port).atMost(timeout).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("haproxy " + name + " exited with " + process.exitValue() + ", see " + log);
          }
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
          }
        });
    return this;
  }

  /**
   * A runtime API command's answer ({@code show stat}, {@code show servers state}, {@code disable server b/s}, ...),
   * over the stats socket.
   */
  public String command(String command) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (channel.read(buffer) >= 0) {
        answer.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return answer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("haproxy " + name + " runtime API: " + command, e);
    }
  }

  /** The status HAProxy gives {@code server} of {@code backend} ({@code UP}, {@code DOWN}, {@code UP 1/2}, ...). */
  public String serverStatus(String backend, String server) {
    List<String> lines = command("show stat").lines().toList();
    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
      throw new IllegalStateException("unexpected 'show stat' answer: " + lines);
    }
    List<String> header = Arrays.asList(lines.get(0).substring(2).split(","));
    int status = header.indexOf("status");
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",", -1);
      if (fields.length > status && fields[0].equals(backend) && fields[1].equals(server)) {
        return fields[status];
      }
    }
    throw new IllegalStateException("no server " + backend + "/" + server + " in 'show stat'");
  }

  /** Waits until {@code server}'s status is {@code status}. */
  public Haproxy awaitServerStatus(String backend, String server, String status, Duration timeout) {
    await("haproxy " + backend + "/" + server + " " + status).atMost(timeout).pollInterval(Duration.ofMillis(100))
        .until(() -> status.equals(serverStatus(backend, server)));
    return this;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return log;
  }

  /** HAProxy's output so far. */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e + ">";
    }
  }

  /** {@code command} on the PATH or in /usr/sbin (where Debian puts haproxy), or null. */
  private static Path executable(String command) {
    String path = System.getenv().getOrDefault("PATH", "") + java.io.File.pathSeparator + "/usr/sbin:/usr/bin";
    return Arrays.stream(path.split(java.io.File.pathSeparator)).filter(d -> !d.isEmpty())
        .map(d -> Paths.get(d, command)).filter(Files::isExecutable).findFirst().orElse(null);
  }

  /** Stops HAProxy by its PID (SIGTERM, then SIGKILL after 5 s) and removes the socket directory it was given. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    if (socketDir != null) {
      try {
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socketDir);
      } catch (IOException e) {
        // left in the temporary directory
      }
    }
  }
}
