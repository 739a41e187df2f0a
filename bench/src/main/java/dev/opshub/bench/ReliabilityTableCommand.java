package dev.opshub.bench;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code reliability-table}: the fault tests' measurements ({@code target/reliability/*.jsonl}, one JSON line per
 * run) as one markdown table: per test, fault and figure, the number of runs and the lowest, median and highest.
 */
@Command(name = "reliability-table", mixinStandardHelpOptions = true,
    description = "Prints a markdown table of the fault tests' measurements (JSON lines).")
public final class ReliabilityTableCommand implements Callable<Integer> {

  /** Fields of a line that are not figures. */
  private static final List<String> LABELS = List.of("test", "fault", "at");

  @Parameters(arity = "1..*", paramLabel = "FILE.jsonl")
  List<Path> files;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject run = new JsonObject(line);
        String where = run.getString("test") + " | " + run.getString("fault");
        for (String name : run.fieldNames()) {
          if (!LABELS.contains(name) && run.getValue(name) instanceof Number n) {
            figures.computeIfAbsent(where + " | " + name, k -> new ArrayList<>()).add(n.doubleValue());
          }
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("| test | fault | figure | runs | min | median | max |");
    out.println("|---|---|---|---:|---:|---:|---:|");
    figures.forEach((key, values) -> {
      List<Double> sorted = values.stream().sorted().toList();
      out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", key, sorted.size(), num(sorted.get(0)),
          num(median(sorted)), num(sorted.get(sorted.size() - 1)));
    });
    out.flush();
    return 0;
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
  }
}
