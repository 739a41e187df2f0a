package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentTask(String taskId, String drillId, String incidentId, AgentId agent, int step, TaskKind kind,
                        long seed, double speed, double drillTime, JsonObject signals, JsonObject context,
                        String fault) {

  public AgentTask {
    signals = signals == null ? new JsonObject() : signals;
    context = context == null ? new JsonObject() : context;
  }

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static AgentTask fromJson(JsonObject json) {
    return ContractJson.fromJson(json, AgentTask.class);
  }
}
