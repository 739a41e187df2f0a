package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
 * The official {@code @vertx/eventbus-bridge-client.js}, run by Node, receives every message of batched frames.
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
    try (InputStream script = OfficialClientTest.class.getResourceAsStream("/bridge/official-client.js")) {
      Files.copy(script, DIR.resolve("official-client.js"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void official_client_receives_each_message_of_batched_frames(Vertx vertx) throws Exception {
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setNodeId("n-node").setStreams(List.of(ADDRESS))));
    Process client = new ProcessBuilder("node", DIR.resolve("official-client.js").toString(),
        "http://127.0.0.1:" + node.port() + "/eventbus", ADDRESS).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<JsonObject> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.startsWith("{")) {
            lines.add(new JsonObject(line));
          }
        }
      } catch (Exception e) {
        // the process ended
      }
    }, "official-client-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.containsKey("ready")));
      JsonObject ready = lines.stream().filter(l -> l.containsKey("ready")).findFirst().orElseThrow();
      assertThat(ready.getJsonObject("ready").getString("nodeId")).isEqualTo("n-node");
      assertThat(lines).anySatisfy(l -> assertThat(l.getJsonObject("denied", new JsonObject()).getInteger("failureCode")).isEqualTo(403));

      double framesBefore = node.counter("opshub.bridge.frames");
      Streams stream = new Streams(vertx, ADDRESS, 11);
      await(stream.burst(25, null, 0));
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().filter(l -> l.containsKey("rec")).count() >= 25);
      List<Long> offsets = lines.stream().filter(l -> l.containsKey("rec"))
          .map(l -> Long.parseLong(l.getJsonObject("headers").getString("offset"))).collect(Collectors.toList());
      assertThat(offsets).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
      assertThat(lines.stream().filter(l -> l.containsKey("rec")).map(l -> l.getJsonObject("rec").getInteger("n")))
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).boxed().toList());
      // the 25 messages travelled in fewer frames than messages: the client unpacked the batches
      assertThat(node.counter("opshub.bridge.frames") - framesBefore).isLessThan(25.0);
      assertThat(lines).noneMatch(l -> l.containsKey("leaked") || l.containsKey("unhandled"));

      await(node.bridge.shutdown("node_draining"));
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.containsKey("closed")));
      assertThat(lines.stream().filter(l -> l.containsKey("closed")).findFirst().orElseThrow().getString("closed")).isEqualTo("node_draining");
    } finally {
      client.destroy();
      client.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
