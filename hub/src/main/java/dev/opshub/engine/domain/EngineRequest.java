package dev.opshub.engine.domain;

import dev.opshub.contract.ErrorCodes;
import io.vertx.core.json.JsonObject;

/** A control or query body read field by field: each accessor returns the field or throws a {@link Refusal}. */
final class EngineRequest {

  private final JsonObject body;

  EngineRequest(JsonObject body) {
    this.body = body;
  }

  /** The field's value as sent, or null. */
  Object value(String key) {
    return body.getValue(key);
  }

  /** True when the field is there and not null. */
  boolean has(String key) {
    return body.getValue(key) != null;
  }

  /** A required string that is not blank. */
  String text(String key) {
    Object v = body.getValue(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "'" + key + "' is required (a string)");
    }
    return s;
  }

  /** A number in {@code min..max}, or {@code dflt} when the field is absent. */
  double number(String key, double dflt, double min, double max) {
    Object v = body.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw new Refusal(ErrorCodes.INVALID_REQUEST, "'" + key + "' must be a number between " + min + " and " + max);
    }
    return n.doubleValue();
  }

  /** An optional string, with {@code dflt} when absent; a value of another type throws {@link ClassCastException}. */
  String string(String key, String dflt) {
    return body.getString(key, dflt);
  }
}
