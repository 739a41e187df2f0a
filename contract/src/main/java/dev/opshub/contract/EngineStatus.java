package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.vertx.core.json.JsonObject;

/**
 * The engine as one node knows it, kept by the hub in the node-local map under {@link NodeLocalMap#ENGINE_STATUS}
 * and shown by {@code /health} and in the bridge's answer to {@code ops.ping}: whether an active engine is known on
 * this node's side of the cluster, and if not, why ({@code no_quorum}: this side sees fewer members than the
 * quorum; {@code no_engine}: none is active or none has been heard from lately).
 *
 * @param active true while an active engine is known
 * @param reason why none is known ({@link Reason}), null while one is
 * @param epoch  the active engine's epoch, 0 when unknown
 * @param nodeId the node running it, null when unknown
 * @param local  true when this very node runs it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EngineStatus(boolean active, Reason reason, long epoch, String nodeId, boolean local) {

  /** Why no active engine is known. */
  public enum Reason {
    /** This side of the cluster sees fewer members than {@code --cluster-quorum}: no engine may act here. */
    NO_QUORUM,
    /** No engine is active, or none was heard from lately. */
    NO_ENGINE;

    @JsonValue
    public String wireName() {
      return WireName.of(this);
    }

    @JsonCreator
    public static Reason fromWire(String s) {
      return WireName.parse(Reason.class, s, "engine status reason");
    }
  }

  /** An active engine with {@code epoch} on {@code nodeId}. */
  public static EngineStatus active(long epoch, String nodeId, boolean local) {
    return new EngineStatus(true, null, epoch, nodeId, local);
  }

  /** No active engine is known, for {@code reason}. */
  public static EngineStatus none(Reason reason) {
    return new EngineStatus(false, reason, 0, null, false);
  }

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static EngineStatus fromJson(JsonObject json) {
    return ContractJson.fromJson(json, EngineStatus.class);
  }
}
