package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.Recommendation;
import io.vertx.core.json.JsonArray;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What an incident's next vote counts: the latest recommendation of each agent, and the actions excluded because
 * they failed or were rejected in an earlier round.
 */
final class Recommendations {

  private final Map<AgentId, Recommendation> byAgent = new EnumMap<>(AgentId.class);
  private final Set<Action> excluded = EnumSet.noneOf(Action.class);

  /** {@code agent}'s recommendation for this round; a null one changes nothing. */
  void put(AgentId agent, Recommendation recommendation) {
    if (recommendation != null) {
      byAgent.put(agent, recommendation);
    }
  }

  /** A new round: only detection's recommendation carries over. */
  void newRound() {
    byAgent.remove(AgentId.DIAGNOSIS);
    byAgent.remove(AgentId.PREDICTION);
    byAgent.remove(AgentId.RESOLUTION);
  }

  void exclude(Action action) {
    excluded.add(action);
  }

  Consensus.Round vote() {
    return Consensus.vote(byAgent.values(), excluded);
  }

  /** The recommendations of {@code agents} (those that have one), in that order. */
  JsonArray json(AgentId... agents) {
    JsonArray a = new JsonArray();
    for (AgentId agent : agents) {
      Recommendation r = byAgent.get(agent);
      if (r != null) {
        a.add(r.toJson());
      }
    }
    return a;
  }

  JsonArray excludedJson() {
    JsonArray a = new JsonArray();
    excluded.forEach(x -> a.add(x.wireName()));
    return a;
  }
}
