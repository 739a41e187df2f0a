package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vertx.core.json.JsonObject;

/**
 * What an agent reports on {@link Addresses#INTERNAL_AGENT_STATUS} on every state change and as a
 * heartbeat, and what the engine republishes on {@link Addresses#AGENTS_STATE} (key = agent id).
 *
 * @param agent       which agent
 * @param state       its live state ({@link AgentState#MISSING} only in the engine's own entry for an agent with no
 *                    active instance)
 * @param node        id of the node the agent runs on (in a missing entry: where it last ran, or null)
 * @param confidence  confidence of its latest result, 0..1, or -1 before any
 * @param incidentId  incident it works on, or null
 * @param drillId     drill it works on, or null
 * @param lastAction  short text of the last thing it did, or null
 * @param fault       injected fault in force (byzantine, slow, crash), or null
 * @param heartbeat   true when this is a periodic heartbeat rather than a change
 * @param ts          epoch milliseconds when the agent sent it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentStatus(AgentId agent, AgentState state, String node, double confidence, String incidentId,
                          String drillId, String lastAction, String fault, boolean heartbeat, long ts) {

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static AgentStatus fromJson(JsonObject json) {
    return ContractJson.fromJson(json, AgentStatus.class);
  }
}
