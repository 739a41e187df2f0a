package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vertx.core.json.JsonObject;

/**
 * The cluster quorum as one node sees it, kept by the hub in the node-local map under {@link NodeLocalMap#QUORUM}
 * (absent when no {@code --cluster-quorum} is set) and shown by {@code /health}.
 *
 * @param required the quorum: members a side of the cluster needs for its engine to act and its maps to take writes
 * @param present  true while this node's side has them (Hazelcast's split-brain protection: members heard from lately)
 * @param members  members in this node's member list (some may already be unreachable)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QuorumStatus(int required, boolean present, int members) {

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static QuorumStatus fromJson(JsonObject json) {
    return ContractJson.fromJson(json, QuorumStatus.class);
  }
}
