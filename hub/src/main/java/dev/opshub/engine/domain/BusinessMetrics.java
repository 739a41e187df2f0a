package dev.opshub.engine.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Business metrics over the drills that really ran (DOMAIN.md): MTTR with its 95% interval
 * (mean ± 1.96 sd / sqrt(n), sample sd), cost avoided = (traditional MTTR − actual MTTR) × cost per minute
 * summed over resolved incidents, automation rate = share of resolved incidents that needed no approval, SLA
 * met and breached — overall, per scenario, and the trend over the latest drills. Keeps at most
 * {@link #MAX_OUTCOMES} outcomes (the newest).
 */
public final class BusinessMetrics {

  public static final int MAX_OUTCOMES = 1000;
  public static final int TREND_SIZE = 20;

  /**
   * One finished incident.
   *
   * @param resolved    true when it reached resolved (false: failed or stopped)
   * @param mttrMinutes detection to resolution, drill minutes (NaN when not resolved)
   * @param automated   resolved without any round needing approval
   */
  public record Outcome(String drillId, String scenario, boolean resolved, double mttrMinutes,
                        double traditionalMttrMinutes, double slaMinutes, double costPerMinute, boolean automated,
                        long endedTs) {

    public boolean slaMet() {
      return resolved && mttrMinutes <= slaMinutes;
    }

    public double costAvoided() {
      return resolved ? (traditionalMttrMinutes - mttrMinutes) * costPerMinute : 0;
    }

    public JsonObject toJson() {
      return new JsonObject().put("drillId", drillId).put("scenario", scenario).put("resolved", resolved)
          .put("mttrMinutes", resolved ? r2(mttrMinutes) : null).put("traditionalMttrMinutes", traditionalMttrMinutes)
          .put("slaMinutes", slaMinutes).put("slaMet", slaMet()).put("costAvoided", r2(costAvoided()))
          .put("automated", automated).put("endedTs", endedTs);
    }

    /** Reads the outcome block of an after-action report. */
    public static Outcome fromReport(JsonObject report) {
      JsonObject o = report.getJsonObject("outcome", new JsonObject());
      return new Outcome(report.getString("drillId"), report.getString("scenario"), o.getBoolean("resolved", false),
          o.getDouble("mttrMinutes") == null ? Double.NaN : o.getDouble("mttrMinutes"),
          o.getDouble("traditionalMttrMinutes", 0.0), o.getDouble("slaMinutes", 0.0),
          o.getDouble("costPerMinute", 0.0), o.getBoolean("automated", false), report.getLong("endedTs", 0L));
    }
  }

  /** MTTR statistics: mean, sample sd, 95% interval half width. */
  public record Mttr(int n, double mean, double sd, double halfWidth) {
    public double low() {
      return mean - halfWidth;
    }

    public double high() {
      return mean + halfWidth;
    }
  }

  private final Deque<Outcome> outcomes = new ArrayDeque<>();

  public void add(Outcome o) {
    outcomes.addLast(o);
    while (outcomes.size() > MAX_OUTCOMES) {
      outcomes.removeFirst();
    }
  }

  public int size() {
    return outcomes.size();
  }

  public List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  /** MTTR over the resolved incidents of {@code list}. */
  public static Mttr mttr(List<Outcome> list) {
    double[] xs = list.stream().filter(Outcome::resolved).mapToDouble(Outcome::mttrMinutes).toArray();
    int n = xs.length;
    if (n == 0) {
      return new Mttr(0, 0, 0, 0);
    }
    double mean = 0;
    for (double x : xs) {
      mean += x;
    }
    mean /= n;
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    return new Mttr(n, mean, sd, 1.96 * sd / Math.sqrt(n));
  }

  /** The figures for one group of outcomes. */
  public static JsonObject figures(List<Outcome> list) {
    Mttr m = mttr(list);
    long resolved = list.stream().filter(Outcome::resolved).count();
    long automated = list.stream().filter(o -> o.resolved() && o.automated()).count();
    long met = list.stream().filter(Outcome::slaMet).count();
    double traditional = list.stream().filter(Outcome::resolved).mapToDouble(Outcome::traditionalMttrMinutes)
        .average().orElse(0);
    double costAvoided = list.stream().mapToDouble(Outcome::costAvoided).sum();
    return new JsonObject()
        .put("incidents", list.size())
        .put("resolved", resolved)
        .put("failed", list.size() - resolved)
        .put("mttr", new JsonObject().put("n", m.n()).put("meanMinutes", r2(m.mean())).put("sdMinutes", r2(m.sd()))
            .put("ci95LowMinutes", r2(m.low())).put("ci95HighMinutes", r2(m.high())))
        .put("traditionalMttrMinutes", r2(traditional))
        .put("improvementPct", traditional > 0 && m.n() > 0 ? r2((traditional - m.mean()) / traditional * 100) : 0.0)
        .put("costAvoided", r2(costAvoided))
        .put("automationRate", resolved == 0 ? 0.0 : r4((double) automated / resolved))
        .put("sla", new JsonObject().put("met", met).put("breached", list.size() - met)
            .put("compliance", list.isEmpty() ? 0.0 : r4((double) met / list.size())));
  }

  /** Overall, per scenario, and the latest drills. Zeros before any drill. */
  public JsonObject toJson() {
    List<Outcome> all = outcomes();
    Map<String, List<Outcome>> by = new LinkedHashMap<>();
    for (Outcome o : all) {
      by.computeIfAbsent(o.scenario(), k -> new ArrayList<>()).add(o);
    }
    JsonObject per = new JsonObject();
    by.forEach((k, v) -> per.put(k, figures(v)));
    JsonArray trend = new JsonArray();
    all.subList(Math.max(0, all.size() - TREND_SIZE), all.size()).forEach(o -> trend.add(o.toJson()));
    return new JsonObject().put("overall", figures(all)).put("perScenario", per).put("trend", trend);
  }

  static double r2(double v) {
    return Double.isNaN(v) ? 0 : Math.round(v * 100.0) / 100.0;
  }

  static double r4(double v) {
    return Math.round(v * 10_000.0) / 10_000.0;
  }
}
