package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vertx.core.json.JsonObject;

/**
 * An option an agent considered.
 *
 * @param option      the option (an action, or a root cause for diagnosis)
 * @param probability the agent's probability for it, 0..1
 * @param chosen      true for the option the agent went with
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Alternative(String option, double probability, boolean chosen) {

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static Alternative fromJson(JsonObject json) {
    return ContractJson.fromJson(json, Alternative.class);
  }
}
