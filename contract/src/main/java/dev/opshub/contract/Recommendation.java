package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * An agent's recommendation (DOMAIN.md). Confidence is not clamped here: a byzantine agent may send a value
 * outside 0..1, and consensus must see it to exclude it.
 *
 * @param agent        who recommends
 * @param incidentId   for which incident
 * @param action       what to do
 * @param confidence   how sure, normally 0..1
 * @param risk         risk of doing it
 * @param reasoning    why, in a sentence or two
 * @param evidence     what it is based on
 * @param alternatives options considered, with probabilities, one chosen
 * @param fallback     true when this is a fallback (agent timed out or fell under its threshold)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Recommendation(AgentId agent, String incidentId, Action action, double confidence, Risk risk,
                             String reasoning, List<Evidence> evidence, List<Alternative> alternatives,
                             boolean fallback) {

  public Recommendation {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
    alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    risk = risk == null ? Risk.MEDIUM : risk;
    reasoning = reasoning == null ? "" : reasoning;
  }

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static Recommendation fromJson(JsonObject json) {
    return ContractJson.fromJson(json, Recommendation.class);
  }
}
