package dev.opshub.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
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
public record Recommendation(AgentId agent, String incidentId, Action action, double confidence, Risk risk,
                             String reasoning, List<Evidence> evidence, List<Alternative> alternatives,
                             boolean fallback) {

  public Recommendation {
    evidence = List.copyOf(evidence);
    alternatives = List.copyOf(alternatives);
  }

  public JsonObject toJson() {
    JsonArray ev = new JsonArray();
    evidence.forEach(e -> ev.add(e.toJson()));
    JsonArray alt = new JsonArray();
    alternatives.forEach(a -> alt.add(a.toJson()));
    return new JsonObject()
        .put("agent", agent.wireName())
        .put("incidentId", incidentId)
        .put("action", action.wireName())
        .put("confidence", confidence)
        .put("risk", risk.wireName())
        .put("reasoning", reasoning)
        .put("evidence", ev)
        .put("alternatives", alt)
        .put("fallback", fallback);
  }

  public static Recommendation fromJson(JsonObject json) {
    List<Evidence> ev = new ArrayList<>();
    json.getJsonArray("evidence", new JsonArray()).forEach(o -> ev.add(Evidence.fromJson((JsonObject) o)));
    List<Alternative> alt = new ArrayList<>();
    json.getJsonArray("alternatives", new JsonArray()).forEach(o -> alt.add(Alternative.fromJson((JsonObject) o)));
    return new Recommendation(
        AgentId.fromWire(json.getString("agent")),
        json.getString("incidentId"),
        Action.fromWire(json.getString("action")),
        json.getDouble("confidence", 0.0),
        Risk.fromWire(json.getString("risk", "medium")),
        json.getString("reasoning", ""),
        ev, alt,
        json.getBoolean("fallback", false));
  }
}
