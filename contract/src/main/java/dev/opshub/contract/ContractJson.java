package dev.opshub.contract;

import io.vertx.core.json.JsonObject;

/**
 * How the contract's records become JSON and back: through Vert.x's Jackson codec, so a record's component names
 * are its JSON keys, enums travel as their wire names and {@code JsonObject} components as nested objects. A record
 * read from JSON ignores keys it does not know (a newer node may send more) and fails with
 * {@link IllegalArgumentException} on a value of the wrong type.
 */
public final class ContractJson {

  private ContractJson() {
  }

  public static JsonObject toJson(Record record) {
    return JsonObject.mapFrom(record);
  }

  public static <R extends Record> R fromJson(JsonObject json, Class<R> type) {
    if (json == null) {
      throw new IllegalArgumentException(type.getSimpleName() + " is missing");
    }
    return json.mapTo(type);
  }
}
