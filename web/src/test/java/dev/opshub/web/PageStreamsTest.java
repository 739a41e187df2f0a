package dev.opshub.web;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.opshub.web.CommandsOnPath.onPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the page's own stream tests ({@code src/test/resources/js/page-streams.test.mjs}, node's test runner) on the
 * page's modules as served: copies of a drill's messages dropped by id across a new epoch, timeline entries placed
 * by seq. Skipped without node on the PATH.
 */
class PageStreamsTest {

  @Test
  void thePageDropsCopiesAndPlacesTimelineEntriesBySeq() throws Exception {
    assumeTrue(onPath("node"), "node is needed for the page's stream tests: not on PATH, skipped");
    Path script = Path.of("src", "test", "resources", "js", "page-streams.test.mjs").toAbsolutePath();
    Path webroot = Path.of("src", "main", "resources", "webroot").toAbsolutePath();
    Path log = Path.of("target", "page-streams.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder("node", "--test", script.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("OPSHUB_WEBROOT", webroot.toString());
    Process node = builder.start();
    boolean ended = node.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      node.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("node --test ended within 60 s").isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    assertThat(output).contains("# pass 3").contains("# fail 0");
  }
}
