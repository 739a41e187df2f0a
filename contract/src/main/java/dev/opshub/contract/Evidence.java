package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vertx.core.json.JsonObject;

/**
 * One piece of evidence behind a recommendation.
 *
 * @param source      where it comes from, e.g. {@code metric:db_pool_utilization}
 * @param description what was seen
 * @param confidence  how much the agent trusts it, 0..1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Evidence(String source, String description, double confidence) {

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static Evidence fromJson(JsonObject json) {
    return ContractJson.fromJson(json, Evidence.class);
  }
}
