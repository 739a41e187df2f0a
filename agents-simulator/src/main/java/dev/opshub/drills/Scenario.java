package dev.opshub.drills;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A drill scenario, as read from {@code drills/<id>.json} by {@link ScenarioLoader}. Its signals are what the
 * agents see; its root cause, remediation and success criteria are the ground truth the drill is judged
 * against, never shown to the agents.
 */
public record Scenario(String id, String title, String description, Severity severity, int tier, long affectedUsers,
                       double revenuePerMinute, double slaMinutes, double traditionalMttrMinutes,
                       List<String> affectedServices, double durationSeconds, double sampleSeconds,
                       List<Phase> phases, List<SignalSpec> signals, List<SignalEvent> events, List<FaultSpec> faults,
                       RootCause rootCause, Remediation remediation, Success success, JsonObject source) {

  /** Base cost per minute by service tier 1/2/3 (DOMAIN.md). */
  public static final double[] TIER_BASE = {1000, 500, 100};

  /** A named period of the scenario's world (normal, onset, cascade...). */
  public record Phase(String name, double from, double to, String description) {
  }

  /**
   * One metric over time: piecewise linear through {@code points} ([seconds, value]), flat after the last,
   * plus seeded gaussian noise of standard deviation {@code noise}.
   *
   * @param direction {@code up} when high values are bad, {@code down} when low values are bad
   */
  public record SignalSpec(String metric, String service, String unit, String kind, double threshold,
                           String direction, double noise, List<double[]> points) {

    public boolean highIsBad() {
      return !"down".equals(direction);
    }

    /** True when {@code value} is on the bad side of the threshold. */
    public boolean breaches(double value) {
      return highIsBad() ? value > threshold : value < threshold;
    }
  }

  /** Something that happened at a point in time (a deployment, a config change, a traffic source). */
  public record SignalEvent(double t, String type, String service, String detail) {
  }

  /** A fault the scenario injects when the drill starts (mode only for byzantine). */
  public record FaultSpec(AgentId agent, String fault, String mode) {
    public String wire() {
      return mode == null ? fault : fault + ":" + mode;
    }
  }

  /** The expected root cause. */
  public record RootCause(String cause, String service, String signal, String description) {
  }

  /** Actions that really fix the scenario, and how long the signals take to come back once one is applied. */
  public record Remediation(List<Action> effective, double recoverySeconds) {
  }

  /** What counts as a successful drill. */
  public record Success(String expectedRootCause, List<Action> acceptableActions, double maxMttrMinutes,
                        String description) {
  }

  /** Cost per minute of the incident: tier base x (1 + min(users / 1000, 10)) + revenue per minute. */
  public double costPerMinute() {
    return TIER_BASE[tier - 1] * (1 + Math.min(affectedUsers / 1000.0, 10.0)) + revenuePerMinute;
  }

  /** The world phase in force at drill time {@code t}. */
  public String phaseAt(double t) {
    String name = phases.get(0).name();
    for (Phase p : phases) {
      if (t >= p.from()) {
        name = p.name();
      }
    }
    return name;
  }

  /** Business impact as agents and incidents see it. */
  public JsonObject impactJson() {
    return new JsonObject()
        .put("severity", severity.wireName())
        .put("tier", tier)
        .put("affectedUsers", affectedUsers)
        .put("revenuePerMinute", revenuePerMinute)
        .put("costPerMinute", costPerMinute())
        .put("slaMinutes", slaMinutes)
        .put("traditionalMttrMinutes", traditionalMttrMinutes)
        .put("affectedServices", new JsonArray(List.copyOf(affectedServices)));
  }

  /** Short description for scenario listings. */
  public JsonObject summaryJson() {
    JsonArray ph = new JsonArray();
    phases.forEach(p -> ph.add(new JsonObject().put("name", p.name()).put("from", p.from()).put("to", p.to())
        .put("description", p.description())));
    JsonArray fs = new JsonArray();
    faults.forEach(f -> fs.add(new JsonObject().put("agent", f.agent().wireName()).put("fault", f.wire())));
    return impactJson()
        .put("id", id)
        .put("title", title)
        .put("description", description)
        .put("durationSeconds", durationSeconds)
        .put("sampleSeconds", sampleSeconds)
        .put("phases", ph)
        .put("faults", fs)
        .put("signals", new JsonArray(signals.stream().map(SignalSpec::metric).toList()))
        .put("expectedRootCause", rootCause.cause())
        .put("success", success.description());
  }
}
