package dev.opshub.contract;

import io.vertx.core.json.JsonObject;

/**
 * An agent's answer to an {@link AgentTask}, sent on {@link Addresses#INTERNAL_AGENT_REPORTS}.
 *
 * @param taskId         the task answered
 * @param drillId        the drill
 * @param incidentId     the incident, or null
 * @param agent          who answers
 * @param step           the task's step
 * @param kind           the task's kind
 * @param node           node the agent runs on
 * @param elapsedSeconds drill seconds the work took (the engine places the result at task time + this)
 * @param degraded       true when the agent fell under its confidence threshold and used a fallback
 * @param recommendation its recommendation, or null (e.g. detection that found nothing, communication)
 * @param findings       what it found (anomalies, root cause, forecast, status update...), kind-specific
 * @param summary        one line for the timeline
 * @param ts             epoch ms when sent
 */
public record AgentReport(String taskId, String drillId, String incidentId, AgentId agent, int step, TaskKind kind,
                          String node, double elapsedSeconds, boolean degraded, Recommendation recommendation,
                          JsonObject findings, String summary, long ts) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", taskId)
        .put("drillId", drillId)
        .put("incidentId", incidentId)
        .put("agent", agent.wireName())
        .put("step", step)
        .put("kind", kind.wireName())
        .put("node", node)
        .put("elapsedSeconds", elapsedSeconds)
        .put("degraded", degraded)
        .put("recommendation", recommendation == null ? null : recommendation.toJson())
        .put("findings", findings)
        .put("summary", summary)
        .put("ts", ts);
  }

  public static AgentReport fromJson(JsonObject json) {
    JsonObject rec = json.getJsonObject("recommendation");
    return new AgentReport(
        json.getString("taskId"),
        json.getString("drillId"),
        json.getString("incidentId"),
        AgentId.fromWire(json.getString("agent")),
        json.getInteger("step", 0),
        TaskKind.fromWire(json.getString("kind")),
        json.getString("node"),
        json.getDouble("elapsedSeconds", 0.0),
        json.getBoolean("degraded", false),
        rec == null ? null : Recommendation.fromJson(rec),
        json.getJsonObject("findings", new JsonObject()),
        json.getString("summary", ""),
        json.getLong("ts", 0L));
  }
}
