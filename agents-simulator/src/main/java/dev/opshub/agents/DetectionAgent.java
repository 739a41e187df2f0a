package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Watches the signals: an anomaly is a threshold breach held for {@link #SUSTAIN} samples; the signal that
 * breached first leads. In {@code verify} mode (after a remediation) it checks that every signal is back on
 * the healthy side for {@link #SUSTAIN} samples.
 */
public class DetectionAgent extends AgentVerticle {

  /** Samples a breach must last to count (one noisy sample is not an incident). */
  static final int SUSTAIN = 2;

  public DetectionAgent() {
    super(AgentId.DETECTION);
  }

  @Override
  protected Result analyze(AgentTask task, SplittableRandom rnd) {
    List<Series> series = Series.fromSignals(task.signals());
    if ("verify".equals(task.context().getString("mode"))) {
      return verify(task, series, rnd);
    }
    List<Series> breaching = series.stream().filter(s -> s.breachingNow(SUSTAIN)).toList();
    double elapsed = seconds(rnd, 5, 15);
    if (breaching.isEmpty()) {
      return new Result(null, new JsonObject().put("anomaly", false).put("checked", series.size()),
          "no anomaly in " + series.size() + " signals", elapsed, -1, AgentState.ANALYZING);
    }
    Series lead = breaching.stream()
        .min(Comparator.comparingInt((Series s) -> s.firstSustainedBreach(SUSTAIN))
            .thenComparing(Comparator.comparingDouble(Series::worstRatio).reversed()))
        .orElseThrow();
    double ratio = ratio(lead);
    double[] trend = lead.trend(4);
    boolean worsening = trend[1] > 0.8 && (lead.highIsBad() ? trend[0] > 0 : trend[0] < 0);
    double conf = clamp(0.6 + 0.25 * Math.min(1, (ratio - 1) / 0.15) + 0.04 * Math.min(breaching.size() - 1, 3)
        + (worsening ? 0.1 : 0) + jitter(rnd, 0.03), 0, 0.99);
    List<Evidence> evidence = new ArrayList<>();
    JsonArray breaches = new JsonArray();
    for (Series s : breaching) {
      double t0 = s.t()[s.firstSustainedBreach(SUSTAIN)];
      double r = ratio(s);
      evidence.add(new Evidence(s.source(), String.format(Locale.ROOT, "%s on %s at %.1f%s, %s threshold %.1f since t+%.0fs",
          s.metric(), s.service(), s.last(), s.unit(), s.highIsBad() ? "above" : "below", s.threshold(), t0),
          round3(clamp(0.5 + 0.5 * Math.min(1, (r - 1) / 0.2), 0, 1))));
      breaches.add(new JsonObject().put("metric", s.metric()).put("service", s.service()).put("value", s.last())
          .put("threshold", s.threshold()).put("since", t0).put("ratio", round3(r)));
    }
    Playbook.Entry entry = Playbook.entry(lead.kind());
    Action action = entry.primary();
    Map<String, Double> probs = new LinkedHashMap<>();
    entry.remedies().forEach((a, p) -> probs.put(a.wireName(), p));
    Recommendation rec = recommend(task, action, conf, Playbook.risk(action),
        String.format(Locale.ROOT, "%s breached first (t+%.0fs) and is %.0f%% past its threshold; %d signal(s) breaching. "
                + "%sPlaybook for %s suggests %s.", lead.metric(), lead.t()[lead.firstSustainedBreach(SUSTAIN)],
            (ratio - 1) * 100, breaching.size(), worsening ? "Still worsening (steady trend). " : "", lead.kind(),
            action.wireName()),
        evidence, alternatives(probs, action.wireName()), false);
    JsonObject findings = new JsonObject()
        .put("anomaly", true)
        .put("lead", lead.metric())
        .put("service", lead.service())
        .put("firstBreachAt", lead.t()[lead.firstSustainedBreach(SUSTAIN)])
        .put("breaches", breaches);
    String summary = String.format(Locale.ROOT, "anomaly: %s %.1f%s vs threshold %.1f on %s%s", lead.metric(),
        lead.last(), lead.unit(), lead.threshold(), lead.service(),
        breaching.size() > 1 ? " (+" + (breaching.size() - 1) + " more)" : "");
    return new Result(rec, findings, summary, seconds(rnd, 10, 30), conf, AgentState.PROPOSING);
  }

  private static double ratio(Series s) {
    if (s.threshold() == 0) {
      return 1;
    }
    return s.highIsBad() ? s.last() / s.threshold() : s.threshold() / Math.max(s.last(), 1e-9);
  }

  private Result verify(AgentTask task, List<Series> series, SplittableRandom rnd) {
    JsonArray still = new JsonArray();
    for (Series s : series) {
      for (int i = Math.max(0, s.size() - SUSTAIN); i < s.size(); i++) {
        if (s.breaches(s.v()[i])) {
          still.add(s.metric());
          break;
        }
      }
    }
    boolean recovered = still.isEmpty();
    return new Result(null, new JsonObject().put("recovered", recovered).put("stillBreaching", still),
        recovered ? "all " + series.size() + " signals back under threshold" : still.size() + " signal(s) still breaching",
        seconds(rnd, 5, 15), -1, AgentState.ANALYZING);
  }

  @Override
  protected Result fallback(AgentTask task, Result weak) {
    Recommendation w = weak.recommendation();
    Recommendation rec = recommend(task, Action.ESCALATE_INCIDENT, w.confidence(), Playbook.risk(Action.ESCALATE_INCIDENT),
        String.format(Locale.ROOT, "Confidence %.2f under threshold %.2f: opening the incident and escalating to a human. %s",
            w.confidence(), id.threshold(), w.reasoning()), w.evidence(), w.alternatives(), true);
    return new Result(rec, weak.findings().copy().put("fallback", true), "fallback: " + weak.summary(),
        weak.elapsedSeconds(), weak.confidence(), AgentState.DEGRADED);
  }
}
