package dev.opshub.it;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's binaries ({@code prometheus}, {@code promtool}, Debian package {@code prometheus}) and the files
 * shipped in {@code deploy/}, for the tests of the scrape config, the rules and the dashboard. Without the binaries
 * a test is skipped with a message, or fails with system property {@code opshub.requirePrometheus=true} (CI).
 */
final class PrometheusTools {

  /** What a command printed and how it ended. */
  record Run(int exitCode, String output) {
  }

  private PrometheusTools() {
  }

  /** The path of {@code tool} on the PATH; skips (or, required, fails) the calling test when there is none. */
  static Path require(String tool) {
    Path found = find(tool);
    if (found == null) {
      String message = tool + " not found on the PATH (apt-get install prometheus)";
      if (Boolean.getBoolean("opshub.requirePrometheus")) {
        throw new AssertionError(message + " (opshub.requirePrometheus=true)");
      }
      Assumptions.abort(message + "; test skipped");
    }
    return found;
  }

  private static Path find(String tool) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    dirs.add("/usr/bin");
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool);
      }
    }
    return null;
  }

  /** A file of the repository's {@code deploy/} directory, found from the working directory up. */
  static Path deployFile(String relative) {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("deploy/" + relative + " not found above " + Paths.get("").toAbsolutePath());
  }

  /** Runs {@code command} to its end (bounded by {@code timeout}, then killed), its output to a temporary file. */
  static Run run(Duration timeout, String... command) {
    try {
      Path out = Files.createTempFile("opshub-cmd", ".log");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          return new Run(-1, String.join(" ", command) + " did not end within " + timeout + ":\n"
              + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
