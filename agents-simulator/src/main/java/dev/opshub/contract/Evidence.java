package dev.opshub.contract;

import io.vertx.core.json.JsonObject;

/**
 * One piece of evidence behind a recommendation.
 *
 * @param source      where it comes from, e.g. {@code metric:db_pool_utilization}
 * @param description what was seen
 * @param confidence  how much the agent trusts it, 0..1
 */
public record Evidence(String source, String description, double confidence) {

  public JsonObject toJson() {
    return new JsonObject().put("source", source).put("description", description).put("confidence", confidence);
  }

  public static Evidence fromJson(JsonObject json) {
    return new Evidence(json.getString("source"), json.getString("description"), json.getDouble("confidence", 0.0));
  }
}
