package dev.opshub.it;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * What a fault test measured, one JSON line per run in {@code target/reliability/<test>.jsonl}
 * ({@code {"test":..,"fault":..,"at":<epoch ms>, <figure>: <number>, ...}}), for {@code bench/reliability.sh}
 * to tabulate. Figures are milliseconds when their name ends in {@code Ms}, counts otherwise.
 */
public final class Reliability {

  private static final Path DIR = Path.of("target", "reliability");

  private Reliability() {
  }

  public static void record(String test, String fault, Map<String, ? extends Number> figures) {
    JsonObject line = new JsonObject().put("test", test).put("fault", fault).put("at", System.currentTimeMillis());
    figures.forEach(line::put);
    try {
      Files.createDirectories(DIR);
      Files.writeString(DIR.resolve(test + ".jsonl"), line.encode() + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("reliability " + line.encode());
  }
}
