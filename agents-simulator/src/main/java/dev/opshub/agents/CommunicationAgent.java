package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the stakeholder status update for a stage of the incident (opened, decision, resolved, failed). Its
 * confidence is how complete its inputs are: every fallback it must report on, or a missing diagnosis, costs
 * confidence; under its 0.9 threshold it sends the generic template instead, marked as a fallback. It does
 * not vote.
 */
public class CommunicationAgent extends AgentVerticle {

  public CommunicationAgent() {
    super(AgentId.COMMUNICATION);
  }

  @Override
  protected Result analyze(AgentTask task, SplittableRandom rnd) {
    JsonObject ctx = task.context();
    String stage = ctx.getString("stage", "update");
    JsonObject incident = ctx.getJsonObject("incident", new JsonObject());
    JsonObject diagnosis = ctx.getJsonObject("diagnosis");
    JsonObject decision = ctx.getJsonObject("decision");
    JsonArray fallbacks = ctx.getJsonArray("fallbacks", new JsonArray());
    double conf = 0.97 - 0.08 * fallbacks.size() - (diagnosis == null && !"opened".equals(stage) ? 0.1 : 0)
        + jitter(rnd, 0.02);
    conf = clamp(conf, 0, 0.99);
    StringBuilder msg = new StringBuilder();
    msg.append(String.format(Locale.ROOT, "[%s] %s — %s.", incident.getString("severity", "?").toUpperCase(Locale.ROOT),
        incident.getString("title", "incident"), stage));
    if (diagnosis != null) {
      msg.append(String.format(Locale.ROOT, " Root cause: %s on %s.", diagnosis.getString("cause", "unknown"),
          diagnosis.getString("service", "?")));
    }
    if (decision != null) {
      msg.append(String.format(Locale.ROOT, " Action: %s (consensus %.2f%s).", decision.getString("winner", "?"),
          decision.getDouble("score", 0.0), decision.getBoolean("requiresApproval", false) ? ", human-approved" : ""));
    }
    if (ctx.containsKey("mttrMinutes")) {
      msg.append(String.format(Locale.ROOT, " Resolved in %.1f min (SLA %.0f min).", ctx.getDouble("mttrMinutes"),
          ctx.getDouble("slaMinutes", 0.0)));
    }
    if (!fallbacks.isEmpty()) {
      msg.append(" Degraded agents: ").append(fallbacks.encode()).append('.');
    }
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(new Evidence("incident", "status " + incident.getString("status", "?"), 0.95));
    if (diagnosis != null) {
      evidence.add(new Evidence("agent:diagnosis", "cause " + diagnosis.getString("cause"), 0.9));
    }
    JsonArray channels = new JsonArray().add("status-page").add("chat:#incidents");
    if ("critical".equals(incident.getString("severity"))) {
      channels.add("pager:on-call");
    }
    Recommendation rec = recommend(task, Action.NOTIFY_TEAM, conf, Playbook.risk(Action.NOTIFY_TEAM),
        "Status update for stage " + stage + " with " + (fallbacks.isEmpty() ? "complete" : "partial") + " inputs.",
        evidence, List.of(), false);
    JsonObject findings = new JsonObject().put("stage", stage).put("channels", channels).put("message", msg.toString());
    return new Result(rec, findings, "notified " + channels.size() + " channels: " + stage, seconds(rnd, 5, 20), conf,
        AgentState.IDLE);
  }

  @Override
  protected Result fallback(AgentTask task, Result weak) {
    JsonObject incident = task.context().getJsonObject("incident", new JsonObject());
    String stage = task.context().getString("stage", "update");
    Recommendation w = weak.recommendation();
    Recommendation rec = recommend(task, Action.NOTIFY_TEAM, w.confidence(), w.risk(), String.format(Locale.ROOT,
        "Confidence %.2f under threshold %.2f: sending the generic template.", w.confidence(), id.threshold()),
        w.evidence(), List.of(), true);
    String msg = String.format(Locale.ROOT, "[%s] We are investigating an issue affecting %s (%s). Next update soon.",
        incident.getString("severity", "?").toUpperCase(Locale.ROOT), incident.getString("title", "a service"), stage);
    return new Result(rec, weak.findings().copy().put("message", msg).put("fallback", true), "fallback template: " + stage,
        weak.elapsedSeconds(), weak.confidence(), AgentState.DEGRADED);
  }
}
