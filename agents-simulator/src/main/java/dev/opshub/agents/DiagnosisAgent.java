package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Alternative;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Finds the likely root cause: every signal that left its baseline is a candidate, scored by how early it
 * moved (causes move before their symptoms), how far it moved, whether it breached, and how likely its kind
 * is to be a cause; a deployment on the same service shortly before the onset points to the deployment.
 */
public class DiagnosisAgent extends AgentVerticle {

  /** Decay of a candidate's score per second of onset after the earliest onset. */
  static final double EARLINESS_SECONDS = 120;
  /** A deployment this long before an onset is a suspect. */
  static final double DEPLOYMENT_WINDOW_SECONDS = 1800;
  private static final Set<String> DEPLOYMENT_SENSITIVE = Set.of("memory", "gc", "error_rate", "latency", "cpu");

  public DiagnosisAgent() {
    super(AgentId.DIAGNOSIS);
  }

  private record Candidate(Series series, double onsetT, double score, boolean breached, boolean deployment) {
  }

  @Override
  protected Result analyze(AgentTask task, SplittableRandom rnd) {
    List<Series> series = Series.fromSignals(task.signals());
    JsonArray events = task.signals().getJsonArray("events", new JsonArray());
    List<Candidate> candidates = new ArrayList<>();
    double earliest = Double.MAX_VALUE;
    for (Series s : series) {
      int k = s.onsetIndex();
      if (k >= 0) {
        earliest = Math.min(earliest, s.t()[k]);
      }
    }
    for (Series s : series) {
      int k = s.onsetIndex();
      if (k < 0) {
        continue;
      }
      double onset = s.t()[k];
      double worstDev = 0;
      for (double x : s.v()) {
        worstDev = Math.max(worstDev, s.badDeviation(x));
      }
      boolean breached = s.firstSustainedBreach(1) >= 0;
      Playbook.Entry entry = Playbook.entry(s.kind());
      boolean deployment = DEPLOYMENT_SENSITIVE.contains(s.kind()) && deploymentBefore(events, s.service(), onset);
      double score = entry.causePrior() * Math.exp(-(onset - earliest) / EARLINESS_SECONDS)
          * Math.sqrt(Math.min(1, worstDev / s.headroom())) * (breached ? 1.0 : 0.5);
      candidates.add(new Candidate(s, onset, score, breached, deployment));
    }
    double elapsed = seconds(rnd, 60, 150);
    if (candidates.isEmpty()) {
      Recommendation rec = recommend(task, Action.ESCALATE_INCIDENT, 0.2, Playbook.risk(Action.ESCALATE_INCIDENT),
          "No signal left its baseline; no root cause can be named.", List.of(), List.of(), false);
      return new Result(rec, new JsonObject().put("cause", "unknown"), "no root cause found", elapsed, 0.2,
          AgentState.PROPOSING);
    }
    Map<String, Double> causeScore = new LinkedHashMap<>();
    Map<String, Candidate> causeLead = new LinkedHashMap<>();
    Set<String> deploymentCauses = new HashSet<>();
    for (Candidate c : candidates) {
      String cause = Playbook.entry(c.series().kind()).cause();
      causeScore.merge(cause, c.score(), Double::sum);
      Candidate lead = causeLead.get(cause);
      if (lead == null || c.score() > lead.score()) {
        causeLead.put(cause, c);
      }
      if (c.deployment()) {
        deploymentCauses.add(cause);
      }
    }
    double total = causeScore.values().stream().mapToDouble(Double::doubleValue).sum();
    List<Map.Entry<String, Double>> ranked = causeScore.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .toList();
    String cause = ranked.get(0).getKey();
    double p1 = ranked.get(0).getValue() / total;
    double p2 = ranked.size() > 1 ? ranked.get(1).getValue() / total : 0;
    double conf = clamp(0.5 + 0.45 * (p1 - p2) / p1 + jitter(rnd, 0.03), 0, 0.99);
    Candidate lead = causeLead.get(cause);
    boolean deploymentSuspect = deploymentCauses.contains(cause);

    Map<Action, Double> remedies = new EnumMap<>(Playbook.remediesFor(cause));
    if (deploymentSuspect) {
      double max = remedies.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      remedies.put(Action.ROLLBACK_DEPLOYMENT, max + 0.2);
    }
    Set<Action> excluded = excluded(task.context());
    remedies.keySet().removeAll(excluded);
    if (remedies.isEmpty()) {
      remedies.put(Action.ESCALATE_INCIDENT, 1.0);
    }
    Action action = remedies.entrySet().stream().max(Map.Entry.<Action, Double>comparingByValue()
        .thenComparing(e -> -e.getKey().ordinal())).orElseThrow().getKey();

    List<Evidence> evidence = new ArrayList<>();
    evidence.add(new Evidence(lead.series().source(), String.format(Locale.ROOT,
        "%s on %s left its baseline at t+%.0fs, first of %d moving signals (%s)", lead.series().metric(),
        lead.series().service(), lead.onsetT(), candidates.size(), lead.breached() ? "breached its threshold" : "not breached"),
        round3(clamp(p1 + 0.1, 0, 1))));
    for (Candidate c : candidates) {
      if (c != lead) {
        evidence.add(new Evidence(c.series().source(), String.format(Locale.ROOT, "%s (%s) moved at t+%.0fs, %.0fs after: %s",
            c.series().metric(), c.series().kind(), c.onsetT(), c.onsetT() - lead.onsetT(),
            Playbook.entry(c.series().kind()).cause().equals(cause) ? "same cause" : "consistent with a symptom"),
            round3(clamp(0.4 + 0.5 * c.score() / lead.score(), 0, 0.95))));
      }
    }
    if (deploymentSuspect) {
      evidence.add(new Evidence("events:deployment", "a deployment on " + lead.series().service()
          + " preceded the onset by less than " + (int) (DEPLOYMENT_WINDOW_SECONDS / 60) + " minutes", 0.8));
    }
    List<Alternative> alts = new ArrayList<>();
    for (Map.Entry<String, Double> e : ranked) {
      alts.add(new Alternative(e.getKey(), round3(e.getValue() / total), e.getKey().equals(cause)));
    }
    JsonArray cands = new JsonArray();
    for (Map.Entry<String, Double> e : ranked) {
      cands.add(new JsonObject().put("cause", e.getKey()).put("probability", round3(e.getValue() / total))
          .put("signal", causeLead.get(e.getKey()).series().metric()));
    }
    JsonObject remedyJson = new JsonObject();
    remedies.forEach((a, p) -> remedyJson.put(a.wireName(), round3(p)));
    Recommendation rec = recommend(task, action, conf, Playbook.risk(action), String.format(Locale.ROOT,
        "Root cause %s (p=%.2f) on %s: %s moved first at t+%.0fs. %s%s is the best remedy for it.", cause, p1,
        lead.series().service(), lead.series().metric(), lead.onsetT(),
        deploymentSuspect ? "A recent deployment is suspect; " : "", action.wireName()), evidence, alts, false);
    JsonObject findings = new JsonObject()
        .put("cause", cause)
        .put("service", lead.series().service())
        .put("signal", lead.series().metric())
        .put("onsetAt", lead.onsetT())
        .put("deploymentSuspect", deploymentSuspect)
        .put("candidates", cands)
        .put("remedies", remedyJson);
    return new Result(rec, findings, String.format(Locale.ROOT, "root cause %s on %s (%.2f)", cause,
        lead.series().service(), conf), elapsed, conf, AgentState.PROPOSING);
  }

  static Set<Action> excluded(JsonObject context) {
    Set<Action> out = new HashSet<>();
    for (Object o : context.getJsonArray("excludedActions", new JsonArray())) {
      out.add(Action.fromWire(String.valueOf(o)));
    }
    return out;
  }

  private static boolean deploymentBefore(JsonArray events, String service, double onset) {
    for (Object o : events) {
      JsonObject e = (JsonObject) o;
      double t = e.getDouble("t", -1.0);
      if ("deployment".equals(e.getString("type")) && service.equals(e.getString("service"))
          && t <= onset && onset - t <= DEPLOYMENT_WINDOW_SECONDS) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Result fallback(AgentTask task, Result weak) {
    Recommendation w = weak.recommendation();
    Recommendation rec = recommend(task, Action.ESCALATE_INCIDENT, w.confidence(), Playbook.risk(Action.ESCALATE_INCIDENT),
        String.format(Locale.ROOT, "Confidence %.2f under threshold %.2f: root cause uncertain, escalating. Best guess: %s",
            w.confidence(), id.threshold(), w.reasoning()), w.evidence(), w.alternatives(), true);
    return new Result(rec, weak.findings().copy().put("fallback", true), "fallback: " + weak.summary(),
        weak.elapsedSeconds(), weak.confidence(), AgentState.DEGRADED);
  }
}
