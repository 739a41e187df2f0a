package dev.opshub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one load run, as text for people and JSON for scripts. Latencies in milliseconds.
 * {@code publisherSkipped}: messages the server's publisher skipped in the window because it fell behind (what
 * it said in the bodies), so a shortfall of deliveries is told apart from loss.
 */
public record LoadReport(String scenario, String label, String url, String address, int connections, double rate,
                         int warmupSeconds, double measuredSeconds, long opened, long failed, long closed,
                         Map<String, Long> closeReasons, Map<String, Long> failReasons, Map<String, Long> errors,
                         long deliveries, long frames, double deliveriesPerSecond, Latency latency, long lost,
                         long duplicates, long publisherSkipped, Server server, double clientCpuSeconds, Load load, List<StallReport> stalls,
                         String startedAt) {

  /** Latency percentiles in ms (now - body.ts, body.ts has ms resolution). count = samples. */
  public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    static Latency of(Histogram h) {
      return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
        h.getTotalCount() == 0 ? 0 : Math.round(h.getMean() / 10.0) / 100.0);
    }

    private static double ms(long micros) {
      return Math.round(micros / 10.0) / 100.0;
    }

    JsonObject toJson() {
      return new JsonObject().put("count", count).put("p50", p50).put("p90", p90).put("p99", p99)
        .put("p999", p999).put("max", max).put("mean", mean);
    }
  }

  /** The server process over the measured window; null fields when no --server-pid was given. */
  /** Heap figures (jstat) are -1 when unavailable. */
  public record Server(long pid, double cpuSeconds, double systemCpuSeconds, double cpuSecondsPer100k, long rssStartKb, long rssPeakKb,
                       long rssEndKb, long heapUsedStartKb, long heapUsedEndKb, long oldGenStartKb, long oldGenEndKb) {

    JsonObject toJson() {
      return new JsonObject().put("pid", pid).put("cpuSeconds", cpuSeconds).put("systemCpuSeconds", systemCpuSeconds)
        .put("cpuSecondsPer100k", cpuSecondsPer100k)
        .put("rssStartKb", rssStartKb).put("rssPeakKb", rssPeakKb).put("rssEndKb", rssEndKb)
        .put("heapUsedStartKb", heapUsedStartKb).put("heapUsedEndKb", heapUsedEndKb)
        .put("oldGenStartKb", oldGenStartKb).put("oldGenEndKb", oldGenEndKb);
    }
  }

  /** The machine's 1-minute load average at the start, end and highest during the measured window. */
  public record Load(double start, double end, double max, int cpus) {

    JsonObject toJson() {
      return new JsonObject().put("start", start).put("end", end).put("max", max).put("cpus", cpus);
    }
  }

  /** Messages per SockJS {@code a} frame over the whole run (1.0 = no batching). */
  public double messagesPerFrame() {
    return frames == 0 ? 0 : (double) deliveries / frames;
  }

  public double targetDeliveriesPerSecond() {
    return rate * connections;
  }

  public JsonObject toJson() {
    JsonArray stallArray = new JsonArray();
    stalls.forEach(s -> stallArray.add(s.toJson()));
    return new JsonObject()
      .put("scenario", scenario)
      .put("label", label)
      .put("url", url)
      .put("address", address)
      .put("startedAt", startedAt)
      .put("connections", connections)
      .put("rate", rate)
      .put("targetDeliveriesPerSecond", targetDeliveriesPerSecond())
      .put("warmupSeconds", warmupSeconds)
      .put("measuredSeconds", round(measuredSeconds))
      .put("opened", opened)
      .put("failed", failed)
      .put("closed", closed)
      .put("closeReasons", counts(closeReasons))
      .put("failReasons", counts(failReasons))
      .put("errors", counts(errors))
      .put("deliveries", deliveries)
      .put("frames", frames)
      .put("deliveriesPerSecond", round(deliveriesPerSecond))
      .put("messagesPerFrame", round(messagesPerFrame()))
      .put("framesPerMessage", deliveries == 0 ? 0 : round((double) frames / deliveries))
      .put("latencyMs", latency.toJson())
      .put("lost", lost)
      .put("duplicates", duplicates)
      .put("publisherSkipped", publisherSkipped)
      .put("server", server == null ? null : server.toJson())
      .put("clientCpuSeconds", round(clientCpuSeconds))
      .put("loadAverage", load.toJson())
      .put("stalls", stallArray);
  }

  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s%s %s %s: %d connections, rate %.0f msg/s (target %,.0f deliveries/s), warmup %d s, measured %.1f s%n",
      scenario.isEmpty() ? "" : "[" + scenario + "] ", label.isEmpty() ? "run" : label, url, address, connections, rate,
      targetDeliveriesPerSecond(), warmupSeconds, measuredSeconds));
    b.append(String.format(Locale.ROOT, "  connections  opened %d, failed %d, closed %d%s%s%n", opened, failed, closed,
      failReasons.isEmpty() ? "" : ", fail reasons " + failReasons, closeReasons.isEmpty() ? "" : ", close reasons " + closeReasons));
    b.append(String.format(Locale.ROOT, "  deliveries   %,d in window = %,.0f/s, %.2f msgs per frame%n", deliveries,
      deliveriesPerSecond, messagesPerFrame()));
    b.append(String.format(Locale.ROOT, "  latency ms   p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%,d samples)%n",
      latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.count));
    b.append(String.format(Locale.ROOT, "  loss         lost %d, duplicates %d, publisher skipped %d%s%n", lost,
      duplicates, publisherSkipped, errors.isEmpty() ? "" : ", bridge errors " + errors));
    if (server != null) {
      b.append(String.format(Locale.ROOT, "  server pid %d  cpu %.2f s (kernel %.2f s) = %.3f s per 100k deliveries, RSS start %d MB, peak %d MB, end %d MB%n",
        server.pid, server.cpuSeconds, server.systemCpuSeconds, server.cpuSecondsPer100k, server.rssStartKb / 1024, server.rssPeakKb / 1024,
        server.rssEndKb / 1024));
      if (server.heapUsedStartKb < 0 || server.heapUsedEndKb < 0) {
        b.append("  server heap  n/a (jstat could not read it: not a JVM, or no jstat)").append(System.lineSeparator());
      } else {
        b.append(String.format(Locale.ROOT, "  server heap  used %d -> %d MB, old generation %d -> %d MB (jstat, start -> end)%n",
          server.heapUsedStartKb / 1024, server.heapUsedEndKb / 1024, server.oldGenStartKb / 1024, server.oldGenEndKb / 1024));
      }
    }
    b.append(String.format(Locale.ROOT, "  client cpu   %.2f s; load average start %.2f, max %.2f, end %.2f (%d cpus)%n",
      clientCpuSeconds, load.start, load.max, load.end, load.cpus));
    for (StallReport s : stalls) {
      b.append(String.format(Locale.ROOT,
        "  stalled #%d  [%s] closed by %s (%s), %d msgs before stall, %d drained, resumed from %s/%d: %s, %d msgs after, first offset %d, gaps %d, dups %d, seq lost %d, seq dups %d, snapshot %d -> %s%n",
        s.connection(), s.finalState(), s.closedBy(), s.closeReason(), s.messagesBeforeStall(), s.messagesDrained(), s.epoch(), s.resumeFrom(),
        s.reconnected() ? "reconnected" : "not reconnected" + (s.reconnectError() == null ? "" : " (" + s.reconnectError() + ")"),
        s.messagesAfterReconnect(), s.firstOffsetAfterReconnect(), s.offsetGaps(), s.offsetDuplicates(), s.seqLost(),
        s.seqDuplicates(), s.snapshotMessages(), s.receivedEverything() ? "received everything it missed" : "INCOMPLETE"));
    }
    return b.toString();
  }

  private static JsonObject counts(Map<String, Long> counts) {
    JsonObject json = new JsonObject();
    counts.forEach(json::put);
    return json;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
