package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import dev.opshub.contract.Risk;
import dev.opshub.contract.TaskKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Proposes the remediation: weighs what detection, diagnosis and prediction recommend (confidence x agent
 * weight) and how well each action fits the diagnosed cause, and refuses actions whose risk is critical under
 * the current load (shrinking capacity or doing nothing while signals breach). After consensus it applies the
 * chosen action ({@link TaskKind#APPLY}).
 */
public class ResolutionAgent extends AgentVerticle {

  /** Weight of the playbook's fit for the diagnosed cause next to the other agents' votes. */
  static final double FIT_WEIGHT = 0.25;

  public ResolutionAgent() {
    super(AgentId.RESOLUTION);
  }

  @Override
  protected Result analyze(AgentTask task, SplittableRandom rnd) {
    return task.kind() == TaskKind.APPLY ? apply(task, rnd) : propose(task, rnd);
  }

  private Result propose(AgentTask task, SplittableRandom rnd) {
    JsonObject ctx = task.context();
    List<Series> series = Series.fromSignals(task.signals());
    boolean underLoad = series.stream().anyMatch(s -> s.breachingNow(1));
    String cause = ctx.getJsonObject("diagnosis", new JsonObject()).getString("cause", "unknown");
    Set<Action> excluded = DiagnosisAgent.excluded(ctx);
    Map<Action, Double> support = new EnumMap<>(Action.class);
    List<Evidence> evidence = new ArrayList<>();
    for (Object o : ctx.getJsonArray("recommendations", new JsonArray())) {
      Recommendation r = Recommendation.fromJson((JsonObject) o);
      double c = clamp(r.confidence(), 0, 1);
      support.merge(r.action(), c * r.agent().weight(), Double::sum);
      evidence.add(new Evidence("agent:" + r.agent().wireName(), String.format(Locale.ROOT, "%s recommends %s (%.2f%s)",
          r.agent().wireName(), r.action().wireName(), r.confidence(), r.fallback() ? ", fallback" : ""),
          round3(c)));
    }
    Map<Action, Double> fit = Playbook.remediesFor(cause);
    fit.forEach((a, f) -> support.merge(a, FIT_WEIGHT * f, Double::sum));
    evidence.add(new Evidence("playbook:" + cause, "remedies that fit " + cause + ": " + fit.keySet().stream()
        .map(Action::wireName).toList(), 0.7));
    Map<Action, Risk> risks = new EnumMap<>(Action.class);
    List<String> refused = new ArrayList<>();
    for (Action a : List.copyOf(support.keySet())) {
      Risk risk = risk(a, underLoad);
      risks.put(a, risk);
      if (risk == Risk.CRITICAL || excluded.contains(a)) {
        support.remove(a);
        refused.add(a.wireName() + (excluded.contains(a) ? " (already failed or rejected)" : " (critical risk under load)"));
      } else if (risk == Risk.HIGH) {
        support.put(a, support.get(a) * 0.5);
      }
    }
    if (support.isEmpty()) {
      support.put(Action.ESCALATE_INCIDENT, 0.1);
      risks.put(Action.ESCALATE_INCIDENT, Risk.LOW);
    }
    Action action = support.entrySet().stream().max(Map.Entry.<Action, Double>comparingByValue()
        .thenComparing(e -> -e.getKey().ordinal())).orElseThrow().getKey();
    double total = support.values().stream().mapToDouble(Double::doubleValue).sum();
    double share = support.get(action) / total;
    double conf = clamp(0.65 + 0.35 * share + jitter(rnd, 0.02), 0, 0.99);
    if (!refused.isEmpty()) {
      evidence.add(new Evidence("risk", "refused: " + String.join(", ", refused), 0.9));
    }
    Map<String, Double> probs = new LinkedHashMap<>();
    support.forEach((a, s) -> probs.put(a.wireName(), s));
    Recommendation rec = recommend(task, action, conf, risks.get(action), String.format(Locale.ROOT,
        "%s has %.0f%% of the weighted support for cause %s, risk %s%s.", action.wireName(), share * 100, cause,
        risks.get(action).wireName(), refused.isEmpty() ? "" : "; refused " + String.join(", ", refused)),
        evidence, alternatives(probs, action.wireName()), false);
    JsonObject findings = new JsonObject().put("action", action.wireName()).put("cause", cause)
        .put("share", round3(share)).put("refused", new JsonArray(refused));
    return new Result(rec, findings, "proposes " + action.wireName() + String.format(Locale.ROOT, " (%.2f)", conf),
        seconds(rnd, 30, 90), conf, AgentState.WAITING);
  }

  /** Risk of {@code a} now: removing capacity or doing nothing while signals breach is critical. */
  static Risk risk(Action a, boolean underLoad) {
    if (underLoad && (a == Action.SCALE_DOWN || a == Action.NO_ACTION)) {
      return Risk.CRITICAL;
    }
    return Playbook.risk(a);
  }

  private Result apply(AgentTask task, SplittableRandom rnd) {
    Action action = Action.fromWire(task.context().getString("action"));
    String service = task.context().getString("service", "the affected service");
    double[] range = switch (action) {
      case CIRCUIT_BREAKER_OPEN, CLEAR_CACHE -> new double[] {15, 30};
      case RESTART_SERVICE -> new double[] {45, 75};
      case SCALE_UP -> new double[] {60, 120};
      case DRAIN_TRAFFIC -> new double[] {40, 80};
      case ROLLBACK_DEPLOYMENT -> new double[] {90, 150};
      case INCREASE_CAPACITY -> new double[] {120, 180};
      default -> new double[] {5, 10};
    };
    double elapsed = seconds(rnd, range[0], range[1]);
    JsonArray steps = new JsonArray()
        .add("pre-check " + service)
        .add(action.wireName() + " on " + service)
        .add("post-check: watching signals");
    JsonObject findings = new JsonObject().put("action", action.wireName()).put("service", service)
        .put("applied", true).put("steps", steps);
    return new Result(null, findings, String.format(Locale.ROOT, "applied %s on %s in %.0fs", action.wireName(),
        service, elapsed), elapsed, -1, AgentState.ACTING);
  }

  @Override
  protected Result fallback(AgentTask task, Result weak) {
    Recommendation w = weak.recommendation();
    Recommendation rec = recommend(task, w.action(), w.confidence(), w.risk(),
        String.format(Locale.ROOT, "Confidence %.2f under threshold %.2f: proposing %s only with human approval. %s",
            w.confidence(), id.threshold(), w.action().wireName(), w.reasoning()), w.evidence(), w.alternatives(), true);
    return new Result(rec, weak.findings().copy().put("fallback", true), "fallback: " + weak.summary(),
        weak.elapsedSeconds(), weak.confidence(), AgentState.DEGRADED);
  }
}
