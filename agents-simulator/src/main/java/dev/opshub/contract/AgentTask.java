package dev.opshub.contract;

import io.vertx.core.json.JsonObject;

/**
 * Work for one agent, published by the engine on {@link Addresses#INTERNAL_AGENT_TASKS}; every agent
 * filters on {@link #agent}. An agent's answer is a pure function of this task (signals, seed, step), so a
 * drill replays identically.
 *
 * @param taskId     unique per drill, derived from the drill id and a counter
 * @param drillId    the drill
 * @param incidentId the incident, or null while detection is still looking
 * @param agent      which agent must do it
 * @param step       the drill's step counter (seed material)
 * @param kind       what to do
 * @param seed       the drill's seed
 * @param speed      the drill's speed factor (drill seconds per wall second)
 * @param drillTime  drill clock, seconds since the drill started
 * @param signals    the scenario's signals observed so far: {@code {"sampleSeconds","now","series":[...],"events":[...],"impact":{...}}}
 * @param context    what other agents found before (diagnosis, prediction, decision, excluded actions...)
 * @param fault      fault in force for this agent in this drill ({@code byzantine}, {@code byzantine:<mode>}, {@code slow}, {@code crash}), or null
 */
public record AgentTask(String taskId, String drillId, String incidentId, AgentId agent, int step, TaskKind kind,
                        long seed, double speed, double drillTime, JsonObject signals, JsonObject context,
                        String fault) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", taskId)
        .put("drillId", drillId)
        .put("incidentId", incidentId)
        .put("agent", agent.wireName())
        .put("step", step)
        .put("kind", kind.wireName())
        .put("seed", seed)
        .put("speed", speed)
        .put("drillTime", drillTime)
        .put("signals", signals)
        .put("context", context)
        .put("fault", fault);
  }

  public static AgentTask fromJson(JsonObject json) {
    return new AgentTask(
        json.getString("taskId"),
        json.getString("drillId"),
        json.getString("incidentId"),
        AgentId.fromWire(json.getString("agent")),
        json.getInteger("step", 0),
        TaskKind.fromWire(json.getString("kind")),
        json.getLong("seed", 0L),
        json.getDouble("speed", 1.0),
        json.getDouble("drillTime", 0.0),
        json.getJsonObject("signals", new JsonObject()),
        json.getJsonObject("context", new JsonObject()),
        json.getString("fault"));
  }
}
