package dev.opshub.it;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections of the official {@code @vertx/eventbus-bridge-client.js}, run by Node ({@code resuming-clients.js}),
 * that reconnect and resume every stream from the last epoch/offset they saw, as a real dashboard does. Each
 * connection's opens (with the node the {@code ops.ping} answer names), closes and messages are tracked here: per
 * stream, an offset that is not the one after the last within an epoch is a gap or a copy. The client is installed
 * with npm into {@code target/node-client} (the npm registry is needed the first time); {@link #close()} ends the
 * Node process by its PID.
 */
final class ResumingClients implements AutoCloseable {

  /** An open of connection {@code client} on {@code nodeId}, at Node's clock (epoch ms). */
  record Open(int client, String nodeId, long at) {
  }

  /** A close of connection {@code client}: SockJS close code and reason, at Node's clock (epoch ms). */
  record Close(int client, int code, String reason, long at) {
  }

  private static final Path DIR = Paths.get("target", "node-client");

  private final Process process;
  private final List<Open> opens = new ArrayList<>();
  private final List<Close> closes = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  /** Per connection and stream: the last epoch and offset, and what was counted. */
  private final Map<String, StreamSeen> streams = new HashMap<>();

  private static final class StreamSeen {
    long epoch = -1;
    long offset = -1;
    long messages;
    long gaps;
    long copies;
    long snapshots;
  }

  private ResumingClients(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "resuming-clients-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Skips (or, with {@code opshub.requireHaproxy=true}, fails) the calling test without node and npm. */
  static void assumeNode() {
    if (!onPath("node") || !onPath("npm")) {
      String message = "node and npm are needed for the official client through HAProxy";
      if (Boolean.getBoolean("opshub.requireHaproxy")) {
        throw new AssertionError(message + " (opshub.requireHaproxy=true)");
      }
      Assumptions.abort(message + "; skipped");
    }
  }

  private static boolean onPath(String command) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Paths.get(d, command)));
  }

  /** Installs the official client (once) and starts {@code connections} connections to {@code url}. */
  static ResumingClients start(String url, int connections, Path caPem, String... addresses) {
    try {
      install();
      List<String> command = new ArrayList<>(List.of("node", DIR.resolve("resuming-clients.js").toString(), url,
          Integer.toString(connections)));
      command.addAll(List.of(addresses));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.appendTo(Paths.get("target", "it-logs", "resuming-clients.err").toFile()));
      builder.environment().put("NODE_EXTRA_CA_CERTS", caPem.toAbsolutePath().toString());
      return new ResumingClients(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void install() throws IOException {
    Files.createDirectories(DIR);
    Files.createDirectories(Paths.get("target", "it-logs"));
    if (!Files.exists(DIR.resolve("node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", DIR.toString(),
          "@vertx/eventbus-bridge-client.js").redirectErrorStream(true).redirectOutput(DIR.resolve("npm.log").toFile()).start();
      try {
        assertThat(npm.waitFor(150, TimeUnit.SECONDS)).as("npm install finished").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        npm.destroyForcibly();
        throw new IllegalStateException("interrupted", e);
      }
      assertThat(npm.exitValue()).as("npm install exit code, see " + DIR.resolve("npm.log")).isZero();
    }
    try (InputStream script = ResumingClients.class.getResourceAsStream("/bridge/resuming-clients.js")) {
      Files.copy(script, DIR.resolve("resuming-clients.js"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        try {
          onEvent(new JsonObject(line));
        } catch (DecodeException | ClassCastException | NumberFormatException e) {
          synchronized (this) {
            problems.add("unreadable line: " + line);
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private synchronized void onEvent(JsonObject event) {
    int client = event.getInteger("c", -1);
    if (event.containsKey("a")) {
      StreamSeen seen = streams.computeIfAbsent(client + " " + event.getString("a"), k -> new StreamSeen());
      long epoch = Long.parseLong(event.getString("e"));
      long offset = Long.parseLong(event.getString("o"));
      seen.messages++;
      if (event.getInteger("s", 0) == 1) {
        seen.snapshots++;
      }
      if (seen.epoch == epoch && seen.offset >= 0) {
        if (offset <= seen.offset) {
          seen.copies++;
          problems.add("copy on " + client + " " + event.getString("a") + ": " + offset + " after " + seen.offset);
        } else if (offset != seen.offset + 1) {
          seen.gaps++;
          problems.add("gap on " + client + " " + event.getString("a") + ": " + seen.offset + " -> " + offset);
        }
      }
      if (seen.epoch != epoch || offset > seen.offset) {
        seen.epoch = epoch;
        seen.offset = offset;
      }
    } else if (event.containsKey("open")) {
      opens.add(new Open(client, event.getString("open"), event.getLong("at")));
    } else if (event.containsKey("closed") || event.containsKey("code")) {
      closes.add(new Close(client, event.getInteger("code", -1), event.getString("closed"), event.getLong("at")));
    } else {
      problems.add(event.encode());
    }
  }

  /** Every open so far, in order. */
  synchronized List<Open> opens() {
    return List.copyOf(opens);
  }

  /** Every close so far, in order. */
  synchronized List<Close> closes() {
    return List.copyOf(closes);
  }

  /** The node connection {@code client} was last opened on, or null before its first open. */
  synchronized String nodeOf(int client) {
    String node = null;
    for (Open open : opens) {
      if (open.client() == client) {
        node = open.nodeId();
      }
    }
    return node;
  }

  /** Messages connection {@code client} received on {@code address}. */
  synchronized long messages(int client, String address) {
    StreamSeen seen = streams.get(client + " " + address);
    return seen == null ? 0 : seen.messages;
  }

  /** Gaps (an offset skipped within an epoch) on every connection and stream. */
  synchronized long gaps() {
    return streams.values().stream().mapToLong(s -> s.gaps).sum();
  }

  /** Messages received again (an offset not above the last within an epoch). */
  synchronized long copies() {
    return streams.values().stream().mapToLong(s -> s.copies).sum();
  }

  /** Messages received as part of a snapshot (a resume the node's history could not serve). */
  synchronized long snapshots() {
    return streams.values().stream().mapToLong(s -> s.snapshots).sum();
  }

  /** Errors, gaps and unreadable lines, for failure messages. */
  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Ends the Node process by its PID. */
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
  }
}
