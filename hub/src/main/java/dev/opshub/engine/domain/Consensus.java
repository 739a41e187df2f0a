package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.Recommendation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weighted vote (DOMAIN.md): score of an action = sum of confidence x agent weight over the valid votes for
 * it; the highest score wins (ties to the action backed by the heavier agent, then the action's order); under
 * {@link #APPROVAL_THRESHOLD} the decision needs human approval. Before voting a recommendation is excluded,
 * with the reason, when its confidence is outside 0..1, above 0.95 with no evidence, when it is a fallback
 * (its agent timed out or fell under its threshold), when its action already failed or was rejected in this
 * incident, or when its agent does not vote.
 */
public final class Consensus {

  public static final double APPROVAL_THRESHOLD = 0.85;
  public static final double OVERCONFIDENT = 0.95;

  public static final String OUT_OF_RANGE = "confidence_out_of_range";
  public static final String NO_EVIDENCE = "overconfident_without_evidence";
  public static final String FALLBACK = "fallback_does_not_vote";
  public static final String ACTION_EXCLUDED = "action_already_failed_or_rejected";
  public static final String NON_VOTING = "agent_does_not_vote";

  /** One agent's vote, counted or excluded. */
  public record Vote(AgentId agent, Action action, double confidence, double weight, double weighted, boolean excluded,
                     String reason, boolean fallback) {
    JsonObject toJson() {
      return new JsonObject().put("agent", agent.wireName()).put("action", action.wireName())
          .put("confidence", confidence).put("weight", weight).put("weighted", round(weighted))
          .put("excluded", excluded).put("reason", reason).put("fallback", fallback);
    }
  }

  /** The result of one round. {@code winner} is null when no vote counted. */
  public record Round(List<Vote> votes, Map<Action, Double> scores, Action winner, double score,
                      boolean requiresApproval) {

    public List<Vote> exclusions() {
      return votes.stream().filter(Vote::excluded).toList();
    }

    public JsonObject toJson() {
      JsonArray v = new JsonArray();
      votes.forEach(x -> v.add(x.toJson()));
      JsonArray ex = new JsonArray();
      exclusions().forEach(x -> ex.add(new JsonObject().put("agent", x.agent().wireName()).put("reason", x.reason())));
      JsonObject sc = new JsonObject();
      scores.forEach((a, s) -> sc.put(a.wireName(), round(s)));
      return new JsonObject().put("votes", v).put("exclusions", ex).put("scores", sc)
          .put("winner", winner == null ? null : winner.wireName()).put("score", round(score))
          .put("requiresApproval", requiresApproval).put("threshold", APPROVAL_THRESHOLD);
    }
  }

  private Consensus() {
  }

  static double round(double v) {
    return Math.round(v * 10_000.0) / 10_000.0;
  }

  /** Why {@code r} may not vote, or null when it may. */
  public static String exclusionReason(Recommendation r, Set<Action> excludedActions) {
    double c = r.confidence();
    if (Double.isNaN(c) || c < 0 || c > 1) {
      return OUT_OF_RANGE;
    }
    if (c > OVERCONFIDENT && r.evidence().isEmpty()) {
      return NO_EVIDENCE;
    }
    if (r.agent().weight() <= 0) {
      return NON_VOTING;
    }
    if (r.fallback()) {
      return FALLBACK;
    }
    if (excludedActions.contains(r.action())) {
      return ACTION_EXCLUDED;
    }
    return null;
  }

  /** Runs one round over {@code recommendations} (one per agent, in any order). */
  public static Round vote(Collection<Recommendation> recommendations, Set<Action> excludedActions) {
    List<Recommendation> sorted = new ArrayList<>(recommendations);
    sorted.sort((a, b) -> Integer.compare(a.agent().ordinal(), b.agent().ordinal()));
    List<Vote> votes = new ArrayList<>();
    Map<Action, Double> scores = new EnumMap<>(Action.class);
    Map<Action, Double> heaviest = new EnumMap<>(Action.class);
    for (Recommendation r : sorted) {
      String reason = exclusionReason(r, excludedActions);
      double w = r.agent().weight();
      if (reason != null) {
        votes.add(new Vote(r.agent(), r.action(), r.confidence(), w, 0, true, reason, r.fallback()));
        continue;
      }
      double weighted = r.confidence() * w;
      votes.add(new Vote(r.agent(), r.action(), r.confidence(), w, weighted, false, null, false));
      scores.merge(r.action(), weighted, Double::sum);
      heaviest.merge(r.action(), w, Math::max);
    }
    Action winner = null;
    double best = 0;
    for (Map.Entry<Action, Double> e : scores.entrySet()) {
      double s = round(e.getValue());
      if (winner == null || s > best || (s == best && heaviest.get(e.getKey()) > heaviest.get(winner))) {
        winner = e.getKey();
        best = s;
      }
    }
    return new Round(List.copyOf(votes), scores, winner, best, winner == null || best < APPROVAL_THRESHOLD);
  }
}
