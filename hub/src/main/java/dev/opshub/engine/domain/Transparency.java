package dev.opshub.engine.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns an after-action report into what {@code /transparency} shows: each agent's reasoning per step with
 * evidence and alternatives, the decision tree of the consensus rounds, the agent-to-agent communications
 * the drill implied, and each agent's confidence over drill time. Derived only from the report.
 */
final class Transparency {

  private Transparency() {
  }

  static JsonObject enrich(JsonObject report) {
    JsonObject out = report.copy();
    JsonArray actions = report.getJsonArray("agentActions", new JsonArray());
    JsonArray steps = new JsonArray();
    Map<String, JsonArray> confidence = new LinkedHashMap<>();
    JsonArray comms = new JsonArray();
    for (int i = 0; i < actions.size(); i++) {
      JsonObject a = actions.getJsonObject(i);
      JsonObject rec = a.getJsonObject("recommendation");
      String agent = a.getString("agent");
      steps.add(new JsonObject()
          .put("step", i + 1)
          .put("agent", agent)
          .put("kind", a.getString("kind"))
          .put("at", a.getDouble("at"))
          .put("elapsedSeconds", a.getDouble("elapsedSeconds"))
          .put("summary", a.getString("summary"))
          .put("action", rec == null ? null : rec.getString("action"))
          .put("confidence", rec == null ? null : rec.getDouble("confidence"))
          .put("risk", rec == null ? null : rec.getString("risk"))
          .put("reasoning", rec == null ? a.getString("summary") : rec.getString("reasoning"))
          .put("evidence", rec == null ? new JsonArray() : rec.getJsonArray("evidence"))
          .put("alternatives", rec == null ? new JsonArray() : rec.getJsonArray("alternatives"))
          .put("fallback", a.getBoolean("fallback", false))
          .put("timedOut", a.getBoolean("timedOut", false))
          .put("findings", a.getJsonObject("findings")));
      if (rec != null) {
        confidence.computeIfAbsent(agent, k -> new JsonArray())
            .add(new JsonArray().add(a.getDouble("at")).add(rec.getDouble("confidence")));
      }
      comms.addAll(messagesFrom(a));
    }
    JsonArray tree = new JsonArray();
    for (Object o : report.getJsonArray("consensusRounds", new JsonArray())) {
      JsonObject round = (JsonObject) o;
      JsonArray options = new JsonArray();
      JsonObject scores = round.getJsonObject("scores", new JsonObject());
      for (String action : scores.fieldNames()) {
        JsonArray backers = new JsonArray();
        for (Object v : round.getJsonArray("votes", new JsonArray())) {
          JsonObject vote = (JsonObject) v;
          if (action.equals(vote.getString("action")) && !vote.getBoolean("excluded", false)) {
            backers.add(vote.getString("agent"));
          }
        }
        options.add(new JsonObject().put("action", action).put("score", scores.getDouble(action))
            .put("backers", backers).put("chosen", action.equals(round.getString("winner"))));
      }
      tree.add(new JsonObject()
          .put("roundId", round.getString("roundId"))
          .put("at", round.getDouble("at"))
          .put("options", options)
          .put("excluded", round.getJsonArray("exclusions"))
          .put("winner", round.getString("winner"))
          .put("score", round.getDouble("score"))
          .put("requiresApproval", round.getBoolean("requiresApproval"))
          .put("decision", round.getString("decision"))
          .put("decidedBy", round.getString("decidedBy")));
      comms.add(new JsonObject().put("at", round.getDouble("at")).put("from", "consensus").put("to", "resolution")
          .put("message", "decision " + round.getString("decision") + ": " + round.getString("winner")
              + " (score " + round.getDouble("score") + ")"));
    }
    JsonObject conf = new JsonObject();
    confidence.forEach(conf::put);
    return out
        .put("steps", steps)
        .put("decisionTree", tree)
        .put("communications", comms)
        .put("confidenceOverTime", conf)
        .put("mttr", report.getJsonObject("outcome"));
  }

  /** The hand-offs an agent's result implies (who used it next). */
  private static JsonArray messagesFrom(JsonObject a) {
    JsonArray out = new JsonArray();
    String agent = a.getString("agent");
    double at = a.getDouble("at");
    String summary = a.getString("summary");
    switch (a.getString("kind")) {
      case "detect" -> {
        out.add(msg(at, agent, "diagnosis", summary));
        out.add(msg(at, agent, "prediction", summary));
      }
      case "diagnose", "predict" -> {
        out.add(msg(at, agent, "resolution", summary));
        out.add(msg(at, agent, "consensus", "vote: " + action(a)));
      }
      case "recommend" -> out.add(msg(at, agent, "consensus", "vote: " + action(a)));
      case "apply" -> out.add(msg(at, agent, "communication", summary));
      case "communicate" -> out.add(msg(at, agent, "stakeholders",
          a.getJsonObject("findings", new JsonObject()).getString("message", summary)));
      default -> {
      }
    }
    return out;
  }

  private static String action(JsonObject a) {
    JsonObject rec = a.getJsonObject("recommendation");
    return rec == null ? "none" : rec.getString("action") + " (" + rec.getDouble("confidence") + ")";
  }

  private static JsonObject msg(double at, String from, String to, String message) {
    return new JsonObject().put("at", at).put("from", from).put("to", to).put("message", message);
  }
}
