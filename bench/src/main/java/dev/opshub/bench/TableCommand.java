package dev.opshub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code table}: turns the JSON reports of several runs into one markdown table (and the stall details under it). */
@Command(name = "table", mixinStandardHelpOptions = true, description = "Prints a markdown table of JSON reports.")
public final class TableCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "REPORT.json")
  List<Path> reports;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println("| scenario | server | conns | rate msg/s | target deliv/s | deliveries/s | p50 ms | p90 ms | p99 ms | max ms "
      + "| lost | dup | publisher skipped | msgs/frame | opened/failed/closed | server CPU s /100k | of it kernel | RSS start/peak/end MB | old gen start/end MB | load avg (max) |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|");
    StringBuilder notes = new StringBuilder();
    for (Path path : reports) {
      JsonObject r = new JsonObject(Files.readString(path));
      JsonObject lat = r.getJsonObject("latencyMs");
      JsonObject server = r.getJsonObject("server");
      JsonObject load = r.getJsonObject("loadAverage");
      out.printf(Locale.ROOT, "| %s | %s | %,d | %s | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.0f | %d | %d | %d | %.2f | %d/%d/%d | %s | %s | %s | %s | %.2f |%n",
        r.getString("scenario"), r.getString("label"), r.getInteger("connections"), num(r.getDouble("rate")),
        r.getDouble("targetDeliveriesPerSecond"), r.getDouble("deliveriesPerSecond"), lat.getDouble("p50"),
        lat.getDouble("p90"), lat.getDouble("p99"), lat.getDouble("max"), r.getLong("lost"), r.getLong("duplicates"),
        r.getLong("publisherSkipped", 0L), r.getDouble("messagesPerFrame"), r.getLong("opened"), r.getLong("failed"), r.getLong("closed"),
        server == null ? "n/a" : String.format(Locale.ROOT, "%.3f", server.getDouble("cpuSecondsPer100k")),
        server == null || server.getDouble("cpuSeconds", 0.0) <= 0 || !server.containsKey("systemCpuSeconds") ? "n/a"
          : String.format(Locale.ROOT, "%.0f %%", 100 * server.getDouble("systemCpuSeconds") / server.getDouble("cpuSeconds")),
        server == null ? "n/a" : String.format(Locale.ROOT, "%d / %d / %d", server.getLong("rssStartKb") / 1024,
          server.getLong("rssPeakKb") / 1024, server.getLong("rssEndKb") / 1024),
        server == null || server.getLong("oldGenStartKb", -1L) < 0 ? "n/a" : String.format(Locale.ROOT, "%d / %d",
          server.getLong("oldGenStartKb") / 1024, server.getLong("oldGenEndKb") / 1024),
        load.getDouble("max"));
      String where = r.getString("scenario") + " / " + r.getString("label");
      if (!r.getJsonObject("closeReasons").isEmpty()) notes.append("- ").append(where).append(": close reasons ").append(r.getJsonObject("closeReasons").encode()).append('\n');
      if (!r.getJsonObject("failReasons").isEmpty()) notes.append("- ").append(where).append(": connect failures ").append(r.getJsonObject("failReasons").encode()).append('\n');
      if (!r.getJsonObject("errors").isEmpty()) notes.append("- ").append(where).append(": bridge errors ").append(r.getJsonObject("errors").encode()).append('\n');
      JsonArray stalls = r.getJsonArray("stalls");
      for (int i = 0; i < stalls.size(); i++) {
        JsonObject s = stalls.getJsonObject(i);
        notes.append(String.format(Locale.ROOT,
          "- %s: stalled connection #%d (state at end %s) closed by %s (%s); resumed from offset %d: %d messages after reconnect, first offset %d, offset gaps %d, offset dups %d, seq lost %d, seq dups %d, snapshot msgs %d -> %s%n",
          where, s.getInteger("connection"), s.getString("finalState"), s.getString("closedBy"), s.getString("closeReason"), s.getLong("resumeFrom"),
          s.getLong("messagesAfterReconnect"), s.getLong("firstOffsetAfterReconnect"), s.getLong("offsetGaps"),
          s.getLong("offsetDuplicates"), s.getLong("seqLost"), s.getLong("seqDuplicates"), s.getLong("snapshotMessages"),
          s.getBoolean("receivedEverything") ? "received everything it missed" : "did NOT receive everything it missed"));
      }
    }
    if (notes.length() > 0) {
      out.println();
      out.print(notes);
    }
    out.flush();
    return 0;
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
