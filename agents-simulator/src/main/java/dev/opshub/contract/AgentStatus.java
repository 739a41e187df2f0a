package dev.opshub.contract;

import io.vertx.core.json.JsonObject;

/**
 * What an agent reports on {@link Addresses#INTERNAL_AGENT_STATUS} on every state change and as a
 * heartbeat, and what the engine republishes on {@link Addresses#AGENTS_STATE} (key = agent id).
 *
 * @param agent       which agent
 * @param state       its live state
 * @param node        id of the node the agent runs on
 * @param confidence  confidence of its latest result, 0..1, or -1 before any
 * @param incidentId  incident it works on, or null
 * @param drillId     drill it works on, or null
 * @param lastAction  short text of the last thing it did, or null
 * @param fault       injected fault in force (byzantine, slow, crash), or null
 * @param heartbeat   true when this is a periodic heartbeat rather than a change
 * @param ts          epoch milliseconds when the agent sent it
 */
public record AgentStatus(AgentId agent, AgentState state, String node, double confidence, String incidentId,
                          String drillId, String lastAction, String fault, boolean heartbeat, long ts) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("agent", agent.wireName())
        .put("state", state.wireName())
        .put("node", node)
        .put("confidence", confidence)
        .put("incidentId", incidentId)
        .put("drillId", drillId)
        .put("lastAction", lastAction)
        .put("fault", fault)
        .put("heartbeat", heartbeat)
        .put("ts", ts);
  }

  public static AgentStatus fromJson(JsonObject json) {
    return new AgentStatus(
        AgentId.fromWire(json.getString("agent")),
        AgentState.fromWire(json.getString("state")),
        json.getString("node"),
        json.getDouble("confidence", -1.0),
        json.getString("incidentId"),
        json.getString("drillId"),
        json.getString("lastAction"),
        json.getString("fault"),
        json.getBoolean("heartbeat", false),
        json.getLong("ts", 0L));
  }
}
