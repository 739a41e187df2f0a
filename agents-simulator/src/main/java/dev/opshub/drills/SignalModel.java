package dev.opshub.drills;

import dev.opshub.contract.Action;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The world of one drill: the scenario's signals sampled every {@code sampleSeconds}, with noise drawn from
 * the drill seed, and bent back towards their baseline once an effective remediation is applied. Samples are
 * a pure function of (scenario, seed, remediations), so a drill replays identically.
 */
public final class SignalModel {

  /** One remediation applied to the world, and whether the scenario says it works. */
  public record Applied(Action action, double at, boolean effective) {
  }

  private final Scenario scenario;
  private final long seed;
  private final List<Applied> applied = new ArrayList<>();
  private double recoveryStart = Double.NaN;

  public SignalModel(Scenario scenario, long seed) {
    this.scenario = scenario;
    this.seed = seed;
  }

  public Scenario scenario() {
    return scenario;
  }

  /** Applies {@code action} at drill time {@code t}; returns whether it is one of the scenario's effective fixes. */
  public Applied apply(Action action, double t) {
    boolean effective = scenario.remediation().effective().contains(action);
    Applied a = new Applied(action, t, effective);
    applied.add(a);
    if (effective && Double.isNaN(recoveryStart)) {
      recoveryStart = t;
    }
    return a;
  }

  public List<Applied> applied() {
    return List.copyOf(applied);
  }

  public boolean remediated() {
    return !Double.isNaN(recoveryStart);
  }

  /** Index of the last sample taken at or before {@code t}. */
  public int sampleIndex(double t) {
    return (int) Math.floor(t / scenario.sampleSeconds() + 1e-9);
  }

  /** The value of {@code spec} at sample {@code k}. */
  public double value(Scenario.SignalSpec spec, int k) {
    double t = k * scenario.sampleSeconds();
    double base = spec.points().get(0)[1];
    double raw = interpolate(spec.points(), t);
    if (!Double.isNaN(recoveryStart) && t > recoveryStart) {
      double tau = scenario.remediation().recoverySeconds() / 3.0;
      raw = base + (raw - base) * Math.exp(-(t - recoveryStart) / tau);
    }
    SplittableRandom rnd = new SplittableRandom(seed ^ mix(spec.metric().hashCode()) ^ (k * 0x9E3779B97F4A7C15L));
    double v = raw + spec.noise() * rnd.nextGaussian();
    if ("%".equals(spec.unit())) {
      v = Math.min(100.0, v);
    }
    return Math.max(0.0, round(v));
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  static double interpolate(List<double[]> pts, double t) {
    if (t <= pts.get(0)[0]) {
      return pts.get(0)[1];
    }
    for (int i = 1; i < pts.size(); i++) {
      double[] a = pts.get(i - 1);
      double[] b = pts.get(i);
      if (t <= b[0]) {
        return a[1] + (b[1] - a[1]) * (t - a[0]) / (b[0] - a[0]);
      }
    }
    return pts.get(pts.size() - 1)[1];
  }

  /** True when no signal is on the bad side of its threshold in the last {@code samples} samples up to {@code t}. */
  public boolean healthy(double t, int samples) {
    int k = sampleIndex(t);
    for (Scenario.SignalSpec s : scenario.signals()) {
      for (int i = Math.max(0, k - samples + 1); i <= k; i++) {
        if (s.breaches(value(s, i))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * What the agents see at drill time {@code now}: every sample so far per signal (at most {@code maxSamples},
   * the newest), the events that already happened, and the business impact.
   */
  public JsonObject window(double now, int maxSamples) {
    int k = sampleIndex(now);
    int first = Math.max(0, k - maxSamples + 1);
    JsonArray series = new JsonArray();
    for (Scenario.SignalSpec s : scenario.signals()) {
      JsonArray values = new JsonArray();
      for (int i = first; i <= k; i++) {
        values.add(new JsonArray().add(i * scenario.sampleSeconds()).add(value(s, i)));
      }
      series.add(new JsonObject()
          .put("metric", s.metric())
          .put("service", s.service())
          .put("unit", s.unit())
          .put("kind", s.kind())
          .put("threshold", s.threshold())
          .put("direction", s.direction())
          .put("values", values));
    }
    JsonArray events = new JsonArray();
    for (Scenario.SignalEvent e : scenario.events()) {
      if (e.t() <= now) {
        events.add(new JsonObject().put("t", e.t()).put("type", e.type()).put("service", e.service())
            .put("detail", e.detail()));
      }
    }
    for (Applied a : applied) {
      events.add(new JsonObject().put("t", a.at()).put("type", "remediation").put("service", "")
          .put("detail", a.action().wireName()));
    }
    return new JsonObject()
        .put("scenario", scenario.id())
        .put("sampleSeconds", scenario.sampleSeconds())
        .put("now", now)
        .put("series", series)
        .put("events", events)
        .put("impact", scenario.impactJson());
  }
}
