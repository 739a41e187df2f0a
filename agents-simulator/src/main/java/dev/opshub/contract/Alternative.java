package dev.opshub.contract;

import io.vertx.core.json.JsonObject;

/**
 * An option an agent considered.
 *
 * @param option      the option (an action, or a root cause for diagnosis)
 * @param probability the agent's probability for it, 0..1
 * @param chosen      true for the option the agent went with
 */
public record Alternative(String option, double probability, boolean chosen) {

  public JsonObject toJson() {
    return new JsonObject().put("option", option).put("probability", probability).put("chosen", chosen);
  }

  public static Alternative fromJson(JsonObject json) {
    return new Alternative(json.getString("option"), json.getDouble("probability", 0.0), json.getBoolean("chosen", false));
  }
}
