package dev.opshub.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The browser-facing streams and their kinds, as the table in DESIGN.md lists them. */
public final class OpsStreams {

  public record Stream(String address, StreamKind kind) {
    public JsonObject toJson() {
      return new JsonObject().put("address", address).put("kind", kind.wireName());
    }

    public static Stream fromJson(JsonObject json) {
      return new Stream(json.getString("address"), StreamKind.fromWire(json.getString("kind")));
    }
  }

  public static final List<Stream> ALL = List.of(
      new Stream(Addresses.AGENTS_STATE, StreamKind.STATE),
      new Stream(Addresses.INCIDENTS, StreamKind.STATE),
      new Stream(Addresses.INCIDENTS_TIMELINE, StreamKind.EVENT),
      new Stream(Addresses.CONSENSUS, StreamKind.EVENT),
      new Stream(Addresses.METRICS_BUSINESS, StreamKind.STATE),
      new Stream(Addresses.HEALTH, StreamKind.STATE),
      new Stream(Addresses.DRILLS, StreamKind.STATE),
      new Stream(Addresses.BENCH, StreamKind.EVENT));

  private OpsStreams() {
  }

  /** The list as the web verticle takes it in its config ({@code "streams"}). */
  public static JsonArray toJson() {
    JsonArray array = new JsonArray();
    ALL.forEach(s -> array.add(s.toJson()));
    return array;
  }
}
