package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.IncidentStatus;
import dev.opshub.contract.ManualClock;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The after-action report's figures, computed from the incident against the scenario's targets. */
class AfterActionReportTest {

  private static final Map<String, Scenario> SCENARIOS = ScenarioLoader.loadBuiltIn();
  private final ManualClock wall = new ManualClock();

  private static DrillSpec spec(String scenario) {
    return new DrillSpec("d1", SCENARIOS.get(scenario), 7, 600, ApprovalPolicy.AUTO_APPROVE, 120, false);
  }

  /** An incident of {@code scenario} detected at drill second 100 and resolved {@code minutes} later. */
  private Incident resolvedAfter(String scenario, double minutes, String cause) {
    Incident inc = new Incident("d1-inc", "d1", SCENARIOS.get(scenario), 100, wall);
    inc.diagnosed(cause);
    for (IncidentStatus s : new IncidentStatus[] {IncidentStatus.TRIAGED, IncidentStatus.INVESTIGATING,
        IncidentStatus.DIAGNOSED, IncidentStatus.RESOLVING}) {
      inc.enter(s, 100);
    }
    inc.enter(IncidentStatus.RESOLVED, 100 + minutes * 60);
    return inc;
  }

  private static JsonArray rounds(boolean requiresApproval) {
    return new JsonArray().add(new JsonObject().put("roundId", "d1-inc-r1").put("requiresApproval", requiresApproval));
  }

  @Test
  void aResolvedIncidentIsMeasuredAgainstTheTraditionalMttrTheSlaAndTheSuccessCriteria() {
    // database_cascade: traditional MTTR 45 min, SLA 15 min, $13,000/min
    Map<DrillPhase, Double> phases = new LinkedHashMap<>();
    phases.put(DrillPhase.MONITORING, 100.04);
    phases.put(DrillPhase.TRIAGE, 12.0);
    JsonObject report = new AfterActionReport(spec("database_cascade"))
        .ended(DrillState.COMPLETED, "resolved", 1_000, 2_000, 760, 900)
        .incident(resolvedAfter("database_cascade", 9, "connection_pool_exhaustion"), Action.SCALE_UP, false)
        .rounds(rounds(false))
        .drillPhases(phases)
        .toJson();
    JsonObject outcome = report.getJsonObject("outcome");
    assertThat(outcome.getBoolean("resolved")).isTrue();
    assertThat(outcome.getDouble("mttrMinutes")).isEqualTo(9.0);
    assertThat(outcome.getDouble("improvementPct")).isEqualTo(80.0);
    assertThat(outcome.getBoolean("slaMet")).isTrue();
    assertThat(outcome.getDouble("costPerMinute")).isEqualTo(13_000.0);
    assertThat(outcome.getDouble("costAvoided")).isEqualTo(36 * 13_000.0);
    assertThat(outcome.getBoolean("automated")).isTrue();
    assertThat(outcome.getInteger("rounds")).isEqualTo(1);
    JsonObject success = report.getJsonObject("success");
    assertThat(success.getBoolean("rootCauseCorrect")).isTrue();
    assertThat(success.getString("actionApplied")).isEqualTo("scale_up");
    assertThat(success.getBoolean("actionAcceptable")).isTrue();
    assertThat(success.getBoolean("withinTarget")).isTrue();
    assertThat(success.getBoolean("met")).isTrue();
    assertThat(report.getDouble("speed")).as("speed at the end").isEqualTo(900.0);
    assertThat(report.getDouble("drillSeconds")).isEqualTo(760.0);
    assertThat(report.getJsonObject("drillPhaseDurations").encode()).isEqualTo("{\"monitoring\":100.0,\"triage\":12.0}");
    assertThat(report.getJsonObject("phaseDurations").getDouble("resolving")).isEqualTo(540.0);
    assertThat(report.fieldNames()).containsExactly("drillId", "scenario", "title", "severity", "seed", "speed",
        "policy", "startedTs", "endedTs", "drillSeconds", "outcome", "success", "incident", "phaseDurations",
        "drillPhaseDurations", "worldPhases", "faults", "remediations", "consensusRounds", "agentActions", "timeline");
  }

  @Test
  void aSlowResolutionWithTheWrongCauseAndAnApprovedRoundMeetsNeitherTheSlaNorTheCriteria() {
    JsonObject report = new AfterActionReport(spec("database_cascade"))
        .ended(DrillState.COMPLETED, "resolved", 1_000, 2_000, 2000, 600)
        .incident(resolvedAfter("database_cascade", 30, "unknown"), Action.CLEAR_CACHE, true)
        .rounds(rounds(true))
        .toJson();
    JsonObject outcome = report.getJsonObject("outcome");
    assertThat(outcome.getDouble("improvementPct")).isEqualTo(33.3);
    assertThat(outcome.getBoolean("slaMet")).isFalse();
    assertThat(outcome.getBoolean("automated")).isFalse();
    assertThat(outcome.getBoolean("humanDecision")).isTrue();
    JsonObject success = report.getJsonObject("success");
    assertThat(success.getBoolean("rootCauseCorrect")).isFalse();
    assertThat(success.getBoolean("actionAcceptable")).isFalse();
    assertThat(success.getBoolean("met")).isFalse();
  }

  @Test
  void aDrillWithoutAnIncidentAvoidsNoCostAndListsTheScenariosFaultsOverTheInjectedOnes() {
    JsonObject report = new AfterActionReport(spec("storage_failure"))
        .ended(DrillState.STOPPED, "stopped by operator", 1_000, 2_000, 50, 600)
        .incident(null, null, false)
        .faults(Map.of(AgentId.PREDICTION, "crash", AgentId.DIAGNOSIS, "byzantine:conflicting"))
        .toJson();
    JsonObject outcome = report.getJsonObject("outcome");
    assertThat(outcome.getString("state")).isEqualTo("stopped");
    assertThat(outcome.getBoolean("resolved")).isFalse();
    assertThat(outcome.getValue("mttrMinutes")).isNull();
    assertThat(outcome.getValue("improvementPct")).isNull();
    assertThat(outcome.getDouble("costAvoided")).isZero();
    assertThat(outcome.getBoolean("automated")).isFalse();
    assertThat(report.getValue("incident")).isNull();
    assertThat(report.getJsonObject("phaseDurations")).isEmpty();
    assertThat(report.getJsonObject("faults").getString("prediction")).isEqualTo("slow");
    assertThat(report.getJsonObject("faults").getString("diagnosis")).isEqualTo("byzantine:conflicting");
    assertThat(report.getJsonArray("worldPhases").getJsonObject(0).getString("name")).isEqualTo("normal");
  }
}
