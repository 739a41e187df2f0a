package dev.opshub.engine.domain;

import dev.opshub.drills.Scenario;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What a drill is started with: its id, scenario, seed, speed at start (drill seconds per wall second), approval
 * policy and timeout (drill seconds), whether the engine started it by itself (auto drills), what it does while
 * an agent is missing, and the key its client named the start request with (null when none: a start sent again
 * with the same key gets this drill instead of a second one). The first entry of the drill's journal.
 */
record DrillSpec(String id, Scenario scenario, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
                 boolean auto, MissingAgentPolicy missingAgents, String requestKey) {

  /** A drill that waits for a missing agent. */
  DrillSpec(String id, Scenario scenario, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
            boolean auto) {
    this(id, scenario, seed, speed, policy, approvalTimeout, auto, MissingAgentPolicy.WAIT, null);
  }

  /** A drill started without a request key. */
  DrillSpec(String id, Scenario scenario, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
            boolean auto, MissingAgentPolicy missingAgents) {
    this(id, scenario, seed, speed, policy, approvalTimeout, auto, missingAgents, null);
  }

  /** The journal's spec entry, with the wall time the drill started. */
  static JsonObject toJson(DrillSpec spec, long startedTs) {
    return new JsonObject()
        .put("type", "spec")
        .put("id", spec.id())
        .put("scenario", spec.scenario().id())
        .put("seed", spec.seed())
        .put("speed", spec.speed())
        .put("policy", spec.policy().wireName())
        .put("approvalTimeoutSeconds", spec.approvalTimeout())
        .put("auto", spec.auto())
        .put("missingAgents", spec.missingAgents().wireName())
        .put("requestKey", spec.requestKey())
        .put("startedTs", startedTs);
  }

  /** The spec of a journal's first entry; throws {@link IllegalArgumentException} when it is not one. */
  static DrillSpec fromJson(JsonObject json, Map<String, Scenario> scenarios) {
    if (!"spec".equals(json.getString("type"))) {
      throw new IllegalArgumentException("the journal does not start with the drill's spec");
    }
    Scenario scenario = scenarios.get(json.getString("scenario"));
    if (scenario == null) {
      throw new IllegalArgumentException("unknown scenario " + json.getString("scenario"));
    }
    return new DrillSpec(json.getString("id"), scenario, json.getLong("seed"), json.getDouble("speed"),
        ApprovalPolicy.fromWire(json.getString("policy")), json.getDouble("approvalTimeoutSeconds"),
        json.getBoolean("auto", false), MissingAgentPolicy.fromWire(json.getString("missingAgents", "wait")),
        json.getString("requestKey"));
  }
}
