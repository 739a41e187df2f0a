package dev.opshub.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentReport(String taskId, String drillId, String incidentId, AgentId agent, int step, TaskKind kind,
                          String node, double elapsedSeconds, boolean degraded, Recommendation recommendation,
                          JsonObject findings, String summary, long ts) {

  public AgentReport {
    findings = findings == null ? new JsonObject() : findings;
    summary = summary == null ? "" : summary;
  }

  public JsonObject toJson() {
    return ContractJson.toJson(this);
  }

  public static AgentReport fromJson(JsonObject json) {
    return ContractJson.fromJson(json, AgentReport.class);
  }
}
