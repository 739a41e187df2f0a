package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.opshub.web.CommandsOnPath.onPath;
import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official {@code @vertx/eventbus-bridge-client.js}, run by Node, receives every message of batched frames on
 * every SockJS transport (forced with sockjs-client's {@code transports} option) and resumes over a fallback.
 * Installs the client into {@code target/node-client} (npm registry needed the first time); skipped without node/npm.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class OfficialClientTest {

  private static final Path DIR = Path.of("target", "node-client");
  private static final String ADDRESS = "ops.incidents.timeline";

  @BeforeAll
  static void installClient() throws Exception {
    assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the official client test: not on PATH, skipped");
    Files.createDirectories(DIR);
    if (!Files.exists(DIR.resolve("node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", DIR.toString(),
          "@vertx/eventbus-bridge-client.js").redirectErrorStream(true).redirectOutput(DIR.resolve("npm.log").toFile()).start();
      assertThat(npm.waitFor(150, TimeUnit.SECONDS)).as("npm install finished").isTrue();
      assertThat(npm.exitValue()).as("npm install exit code, see " + DIR.resolve("npm.log")).isZero();
    }
    for (String name : List.of("official-client.js", "resume-client.js")) {
      try (InputStream script = OfficialClientTest.class.getResourceAsStream("/bridge/" + name)) {
        Files.copy(script, DIR.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** A Node process of one of the scripts, its stdout lines parsed as they come. */
  private static final class NodeClient implements AutoCloseable {
    final Process process;
    final List<JsonObject> lines = new CopyOnWriteArrayList<>();

    NodeClient(String script, String... args) throws Exception {
      List<String> command = new java.util.ArrayList<>(List.of("node", DIR.resolve(script).toString()));
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("{")) {
              lines.add(new JsonObject(line));
            }
          }
        } catch (Exception e) {
          // the process ended
        }
      }, "node-client-reader");
      reader.setDaemon(true);
      reader.start();
    }

    JsonObject first(String key) {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.containsKey(key)));
      return lines.stream().filter(l -> l.containsKey(key)).findFirst().orElseThrow();
    }

    List<JsonObject> recs() {
      return lines.stream().filter(l -> l.containsKey("rec")).collect(Collectors.toList());
    }

    void tell(String line) throws Exception {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static List<Long> offsets(List<JsonObject> recs) {
    return recs.stream().map(l -> Long.parseLong(l.getJsonObject("headers").getString("offset"))).collect(Collectors.toList());
  }

  /** Every transport the bridge serves, forced with sockjs-client's {@code transports} option. */
  @ParameterizedTest
  @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling", "eventsource"})
  void official_client_receives_each_message_of_batched_frames(String transport, Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setNodeId("n-node").setStreams(List.of(ADDRESS))));
    try (NodeClient client = new NodeClient("official-client.js", "http://127.0.0.1:" + node.port() + "/eventbus", ADDRESS, transport)) {
      assertThat(client.first("transport").getString("transport")).isEqualTo(transport);
      assertThat(client.first("ready").getJsonObject("ready").getString("nodeId")).isEqualTo("n-node");
      assertThat(client.lines).anySatisfy(l -> assertThat(l.getJsonObject("denied", new JsonObject()).getInteger("failureCode")).isEqualTo(403));

      double framesBefore = node.counter("opshub.bridge.frames");
      Streams stream = new Streams(vertx, ADDRESS, 11);
      // text a transport could mangle: eventsource data is read through decodeURI, line separators by some browsers
      String pad = "75 % done, 100%25 sure \u2028 %E2%82";
      await(stream.burst(25, null, 0, pad));
      await().atMost(Duration.ofSeconds(30)).until(() -> client.recs().size() >= 25);
      assertThat(offsets(client.recs())).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
      assertThat(client.recs().stream().map(l -> l.getJsonObject("rec").getInteger("n")))
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).boxed().toList());
      assertThat(client.recs()).allSatisfy(l -> assertThat(l.getJsonObject("rec").getString("pad")).isEqualTo(pad));
      // the 25 messages travelled in fewer frames than messages: the client unpacked the batches
      assertThat(node.counter("opshub.bridge.frames") - framesBefore).isLessThan(25.0);
      assertThat(client.lines).noneMatch(l -> l.containsKey("leaked") || l.containsKey("unhandled"));

      await(node.bridge.shutdown("node_draining"));
      assertThat(client.first("closed").getString("closed")).isEqualTo("node_draining");
    }
  }

  /** A client on a fallback transport that reconnects with its epoch/offset gets what it missed, no gap, no copy. */
  @ParameterizedTest
  @ValueSource(strings = {"xhr-streaming", "xhr-polling", "eventsource"})
  void official_client_resumes_over_a_fallback_without_a_gap(String transport, Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of(ADDRESS))));
    try (NodeClient client = new NodeClient("resume-client.js", "http://127.0.0.1:" + node.port() + "/eventbus", ADDRESS, transport)) {
      client.first("ready");
      Streams stream = new Streams(vertx, ADDRESS, 5);
      await(stream.burst(10, null, 0));
      await().atMost(Duration.ofSeconds(30)).until(() -> client.recs().size() >= 10);
      client.tell("close");
      client.first("closed");
      await().atMost(Duration.ofSeconds(10)).until(() -> node.bridge.connections() == 0);
      await(stream.burst(10, null, 0));
      client.tell("open");
      await().atMost(Duration.ofSeconds(30)).until(() -> client.lines.stream().anyMatch(l -> Integer.valueOf(1).equals(l.getValue("ready"))));
      await(stream.burst(5, null, 0));
      await().atMost(Duration.ofSeconds(30)).until(() -> client.recs().size() >= 25);
      assertThat(offsets(client.recs())).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
      assertThat(client.recs().stream().skip(10)).as("replayed after the reconnect, then live")
          .allSatisfy(l -> {
            assertThat(l.getInteger("round")).isEqualTo(1);
            assertThat(l.getJsonObject("headers").getString("snapshot")).isNull();
          });
      assertThat(node.counter("opshub.bridge.resume.hits")).isEqualTo(1.0);
    }
  }
}
