package dev.opshub.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One metric's samples as an agent receives them in a task, with the statistics the agents reason with:
 * baseline from the first samples, onset of the deviation, threshold breaches, trend by least squares.
 */
record Series(String metric, String service, String unit, String kind, double threshold, boolean highIsBad,
              double[] t, double[] v) {

  /** Samples used for the baseline. */
  static final int BASELINE_SAMPLES = 4;

  static List<Series> fromSignals(JsonObject signals) {
    List<Series> out = new ArrayList<>();
    for (Object o : signals.getJsonArray("series", new JsonArray())) {
      JsonObject s = (JsonObject) o;
      JsonArray values = s.getJsonArray("values", new JsonArray());
      double[] t = new double[values.size()];
      double[] v = new double[values.size()];
      for (int i = 0; i < values.size(); i++) {
        JsonArray pair = values.getJsonArray(i);
        t[i] = pair.getDouble(0);
        v[i] = pair.getDouble(1);
      }
      out.add(new Series(s.getString("metric"), s.getString("service"), s.getString("unit", ""),
          s.getString("kind", "unknown"), s.getDouble("threshold", 0.0), !"down".equals(s.getString("direction")),
          t, v));
    }
    return out;
  }

  int size() {
    return v.length;
  }

  double last() {
    return v.length == 0 ? Double.NaN : v[v.length - 1];
  }

  boolean breaches(double value) {
    return highIsBad ? value > threshold : value < threshold;
  }

  double baseline() {
    int n = Math.min(BASELINE_SAMPLES, v.length);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += v[i];
    }
    return n == 0 ? 0 : sum / n;
  }

  /** Spread of the baseline, floored at 2% of the distance to the threshold so a flat line is not "noise-free". */
  double sigma() {
    int n = Math.min(BASELINE_SAMPLES, v.length);
    double mean = baseline();
    double ss = 0;
    for (int i = 0; i < n; i++) {
      ss += (v[i] - mean) * (v[i] - mean);
    }
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    return Math.max(sd, Math.max(1e-9, 0.02 * Math.abs(threshold - mean)));
  }

  /** How far a value is on the bad side of the baseline. */
  double badDeviation(double value) {
    return highIsBad ? value - baseline() : baseline() - value;
  }

  /** Distance from baseline to threshold. */
  double headroom() {
    return Math.max(1e-9, Math.abs(threshold - baseline()));
  }

  /** Index of the first sample where the signal left its baseline for good (two samples in a row), or -1. */
  int onsetIndex() {
    double limit = Math.max(4 * sigma(), 0.15 * headroom());
    for (int i = BASELINE_SAMPLES; i < v.length; i++) {
      boolean out = badDeviation(v[i]) > limit;
      boolean next = i + 1 >= v.length || badDeviation(v[i + 1]) > limit;
      if (out && next) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first sample that breached the threshold and stayed there for {@code sustain} samples, or -1. */
  int firstSustainedBreach(int sustain) {
    for (int i = 0; i + sustain <= v.length; i++) {
      boolean all = true;
      for (int k = i; k < i + sustain; k++) {
        all &= breaches(v[k]);
      }
      if (all) {
        return i;
      }
    }
    return -1;
  }

  /** True when the last {@code n} samples all breach the threshold. */
  boolean breachingNow(int n) {
    if (v.length < n) {
      return false;
    }
    for (int i = v.length - n; i < v.length; i++) {
      if (!breaches(v[i])) {
        return false;
      }
    }
    return true;
  }

  /** Worst value seen, as a ratio of the threshold on the bad side (1.2 = 20% past it). */
  double worstRatio() {
    double worst = highIsBad ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    for (double x : v) {
      worst = highIsBad ? Math.max(worst, x) : Math.min(worst, x);
    }
    if (threshold == 0) {
      return 1;
    }
    return highIsBad ? worst / threshold : threshold / Math.max(worst, 1e-9);
  }

  /** Least-squares slope (per second) and R^2 over the last {@code n} samples: {slope, r2}. */
  double[] trend(int n) {
    int from = Math.max(0, v.length - n);
    int m = v.length - from;
    if (m < 2) {
      return new double[] {0, 0};
    }
    double mt = 0;
    double mv = 0;
    for (int i = from; i < v.length; i++) {
      mt += t[i];
      mv += v[i];
    }
    mt /= m;
    mv /= m;
    double stt = 0;
    double stv = 0;
    double svv = 0;
    for (int i = from; i < v.length; i++) {
      stt += (t[i] - mt) * (t[i] - mt);
      stv += (t[i] - mt) * (v[i] - mv);
      svv += (v[i] - mv) * (v[i] - mv);
    }
    double slope = stt == 0 ? 0 : stv / stt;
    double r2 = (stt == 0 || svv == 0) ? 0 : (stv * stv) / (stt * svv);
    return new double[] {slope, r2};
  }

  String source() {
    return "metric:" + metric;
  }
}
