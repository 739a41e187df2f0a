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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Forecasts what happens if nothing is done: a least-squares trend per moving signal projected over
 * {@link #HORIZON_SECONDS}, an escalation probability from how far past their thresholds they will be, the
 * cost of leaving it unresolved, and the action that contains the worst of it fastest.
 */
public class PredictionAgent extends AgentVerticle {

  static final double HORIZON_SECONDS = 900;
  static final int TREND_SAMPLES = 6;

  public PredictionAgent() {
    super(AgentId.PREDICTION);
  }

  private record Forecast(Series series, double slope, double r2, double projected, double urgency,
                          double minutesToBreach) {
  }

  @Override
  protected Result analyze(AgentTask task, SplittableRandom rnd) {
    List<Series> series = Series.fromSignals(task.signals());
    JsonObject impact = task.signals().getJsonObject("impact", new JsonObject());
    List<Forecast> forecasts = new ArrayList<>();
    for (Series s : series) {
      if (s.onsetIndex() < 0 && !s.breachingNow(1)) {
        continue;
      }
      double[] tr = s.trend(TREND_SAMPLES);
      double projected = s.last() + tr[0] * HORIZON_SECONDS;
      if ("%".equals(s.unit())) {
        projected = Math.max(0, Math.min(100, projected));
      }
      double urgency = Math.min(3, Math.max(0, s.badDeviation(projected) / s.headroom()));
      double toBreach;
      if (s.breaches(s.last())) {
        toBreach = 0;
      } else {
        double badSlope = s.highIsBad() ? tr[0] : -tr[0];
        toBreach = badSlope <= 0 ? -1 : Math.abs(s.threshold() - s.last()) / badSlope / 60.0;
      }
      forecasts.add(new Forecast(s, tr[0], tr[1], projected, urgency, toBreach));
    }
    double elapsed = seconds(rnd, 45, 120);
    if (forecasts.isEmpty()) {
      Recommendation rec = recommend(task, Action.NO_ACTION, 0.3, Playbook.risk(Action.NO_ACTION),
          "No signal is trending away from its baseline.", List.of(), List.of(), false);
      return new Result(rec, new JsonObject().put("escalationProbability", 0.0), "no escalation expected", elapsed, 0.3,
          AgentState.PROPOSING);
    }
    Map<Action, Double> score = new EnumMap<>(Action.class);
    double pressure = 0;
    for (Forecast f : forecasts) {
      Playbook.Entry e = Playbook.entry(f.series().kind());
      // symptoms trend hardest; weigh by how likely the kind is a cause, squared, so the driver's containment leads
      score.merge(e.containment(), f.urgency() * e.causePrior() * e.causePrior(), Double::sum);
      pressure += f.urgency() * e.causePrior();
    }
    score.keySet().removeAll(DiagnosisAgent.excluded(task.context()));
    if (score.isEmpty()) {
      score.put(Action.ESCALATE_INCIDENT, 1.0);
    }
    Action action = score.entrySet().stream().max(Map.Entry.<Action, Double>comparingByValue()
        .thenComparing(e -> -e.getKey().ordinal())).orElseThrow().getKey();
    double escalation = round3(pressure / (1 + pressure));
    Forecast top = forecasts.stream()
        .filter(f -> Playbook.entry(f.series().kind()).containment() == action)
        .max(Comparator.comparingDouble(Forecast::urgency)).orElse(forecasts.get(0));
    double fit = forecasts.stream().filter(f -> Playbook.entry(f.series().kind()).containment() == action)
        .mapToDouble(Forecast::r2).max().orElse(0);
    double conf = clamp(0.45 + 0.4 * fit + 0.12 * escalation + jitter(rnd, 0.03), 0, 0.98);

    double costPerMinute = impact.getDouble("costPerMinute", 0.0);
    double traditional = impact.getDouble("traditionalMttrMinutes", 0.0);
    long users = impact.getLong("affectedUsers", 0L);
    long breaching = forecasts.stream().filter(f -> f.series().breaches(f.series().last())).count();
    long usersNow = Math.round(users * Math.min(1.0, (double) breaching / Math.max(1, series.size()) * 2));

    List<Evidence> evidence = new ArrayList<>();
    JsonArray fj = new JsonArray();
    forecasts.sort(Comparator.comparingDouble(Forecast::urgency).reversed());
    for (Forecast f : forecasts) {
      Series s = f.series();
      fj.add(new JsonObject().put("metric", s.metric()).put("service", s.service()).put("slopePerMinute", round3(f.slope() * 60))
          .put("r2", round3(f.r2())).put("now", s.last()).put("projected", round3(f.projected()))
          .put("threshold", s.threshold()).put("minutesToBreach", round3(f.minutesToBreach())).put("urgency", round3(f.urgency())));
      if (evidence.size() < 4) {
        evidence.add(new Evidence(s.source(), String.format(Locale.ROOT, "%s %s %.2f%s/min (R² %.2f): %.1f%s in %d min, threshold %.1f",
            s.metric(), f.slope() >= 0 ? "rising" : "falling", Math.abs(f.slope() * 60), s.unit(), f.r2(), f.projected(),
            s.unit(), (int) (HORIZON_SECONDS / 60), s.threshold()), round3(clamp(0.4 + 0.5 * f.r2(), 0, 0.95))));
      }
    }
    Map<String, Double> probs = new LinkedHashMap<>();
    score.forEach((a, p) -> probs.put(a.wireName(), p));
    Recommendation rec = recommend(task, action, conf, Playbook.risk(action), String.format(Locale.ROOT,
        "If nothing is done: escalation probability %.2f within %d min, worst trend %s; ~%,d users affected, "
            + "$%,.0f lost over a %.0f-min manual response. %s contains it fastest.", escalation,
        (int) (HORIZON_SECONDS / 60), top.series().metric(), usersNow, costPerMinute * traditional, traditional,
        action.wireName()), evidence, alternatives(probs, action.wireName()), false);
    JsonObject findings = new JsonObject()
        .put("escalationProbability", escalation)
        .put("horizonMinutes", HORIZON_SECONDS / 60)
        .put("forecasts", fj)
        .put("affectedUsersNow", usersNow)
        .put("projectedCostIfUnresolved", Math.round(costPerMinute * traditional));
    return new Result(rec, findings, String.format(Locale.ROOT, "escalation %.0f%% in %d min; contain with %s",
        escalation * 100, (int) (HORIZON_SECONDS / 60), action.wireName()), elapsed, conf, AgentState.PROPOSING);
  }

  @Override
  protected Result fallback(AgentTask task, Result weak) {
    Recommendation w = weak.recommendation();
    Recommendation rec = recommend(task, Action.ESCALATE_INCIDENT, w.confidence(), Playbook.risk(Action.ESCALATE_INCIDENT),
        String.format(Locale.ROOT, "Confidence %.2f under threshold %.2f: trends too noisy to forecast; escalating. %s",
            w.confidence(), id.threshold(), w.reasoning()), w.evidence(), w.alternatives(), true);
    return new Result(rec, weak.findings().copy().put("fallback", true), "fallback: " + weak.summary(),
        weak.elapsedSeconds(), weak.confidence(), AgentState.DEGRADED);
  }
}
