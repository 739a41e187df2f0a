package dev.opshub.engine.domain;

import dev.opshub.contract.AgentTask;
import dev.opshub.contract.ErrorCodes;
import dev.opshub.contract.ManualClock;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Control requests are validated in a fixed order, each refusal with its code and detail, before anything starts. */
class DrillControlsTest {

  private static final Map<String, Scenario> SCENARIOS = ScenarioLoader.loadBuiltIn();

  private final ManualClock wall = new ManualClock();
  private final DrillRegistry drills = new DrillRegistry(id -> { });
  private final List<DrillSpec> started = new ArrayList<>();
  private final DrillControls controls = new DrillControls(SCENARIOS, drills, () -> 4242,
      (s, seed, speed, policy, timeout, missing, key) -> {
        DrillSpec spec = new DrillSpec("d" + (started.size() + 1), s, seed, speed, policy, timeout, false, missing, key);
        started.add(spec);
        ManualTimers timers = new ManualTimers(wall);
        DrillRunner d = DrillRunner.start(new SilentHost(), wall, timers, spec,
            new DrillJournal(spec.id(), new MemoryAsyncMap<>(), wall, timers, 0, -1));
        drills.add(d);
        return d;
      });

  private Refusal refused(JsonObject body) {
    Refusal r = catchThrowableOfType(Refusal.class, () -> controls.apply(body));
    assertThat(r).as("refused: " + body.encode()).isNotNull();
    return r;
  }

  private void assertRefused(JsonObject body, ErrorCodes code, String detail) {
    Refusal r = refused(body);
    assertThat(r.code()).as(body.encode()).isEqualTo(code);
    assertThat(r.getMessage()).isEqualTo(detail);
  }

  private static JsonObject start(String scenario) {
    return new JsonObject().put("action", "start").put("scenario", scenario);
  }

  @Test
  void badRequestsAreRefusedWithTheirCodeAndDetail() {
    assertRefused(new JsonObject(), ErrorCodes.INVALID_REQUEST, "'action' is required (a string)");
    assertRefused(new JsonObject().put("action", "explode"), ErrorCodes.INVALID_REQUEST, "unknown action explode");
    assertThat(refused(start("nope")).getMessage()).startsWith("no scenario named nope; known: [");
    assertThat(refused(start("nope")).code()).isEqualTo(ErrorCodes.UNKNOWN_SCENARIO);
    for (Object seed : new Object[] {1.5, -1, 1e300, (1L << 53) + 1, Long.MAX_VALUE, "7"}) {
      assertRefused(start("memory_leak").put("seed", seed), ErrorCodes.INVALID_REQUEST,
          "seed must be an integer from 0 to 9007199254740991");
    }
    assertRefused(start("memory_leak").put("speed", 0), ErrorCodes.INVALID_REQUEST,
        "'speed' must be a number between 0.1 and 1000.0");
    assertRefused(start("memory_leak").put("speed", "fast"), ErrorCodes.INVALID_REQUEST,
        "'speed' must be a number between 0.1 and 1000.0");
    assertRefused(start("memory_leak").put("policy", "yolo"), ErrorCodes.INVALID_REQUEST,
        "policy must be auto_approve, auto_reject or wait");
    assertRefused(start("memory_leak").put("policy", 3), ErrorCodes.INVALID_REQUEST,
        "policy must be auto_approve, auto_reject or wait");
    assertRefused(start("memory_leak").put("approvalTimeoutSeconds", 0), ErrorCodes.INVALID_REQUEST,
        "'approvalTimeoutSeconds' must be a number between 1.0 and 86400.0");
    assertRefused(new JsonObject().put("action", "pause"), ErrorCodes.INVALID_REQUEST, "'drillId' is required (a string)");
    assertRefused(new JsonObject().put("action", "pause").put("drillId", "nope"), ErrorCodes.NOT_FOUND, "no drill nope");
    assertThat(started).isEmpty();
  }

  @Test
  void aStartTakesTheDefaultsAndControlsOfAnEndedDrillNoLongerApply() {
    JsonObject d = controls.apply(start("memory_leak"));
    assertThat(d.getString("id")).isEqualTo("d1");
    assertThat(started).containsExactly(new DrillSpec("d1", SCENARIOS.get("memory_leak"), 4242,
        DrillControls.DEFAULT_SPEED, ApprovalPolicy.AUTO_APPROVE, ApprovalPolicy.DEFAULT_APPROVAL_TIMEOUT, false));
    assertRefused(new JsonObject().put("action", "resume").put("drillId", "d1"), ErrorCodes.INVALID_STATE,
        "cannot resume drill d1: it is running");
    assertRefused(new JsonObject().put("action", "speed").put("drillId", "d1"), ErrorCodes.INVALID_REQUEST,
        "'speed' is required");
    assertRefused(new JsonObject().put("action", "inject_fault").put("drillId", "d1").put("agent", "janitor")
        .put("fault", "crash"), ErrorCodes.INVALID_REQUEST, "unknown agent janitor");
    assertRefused(new JsonObject().put("action", "inject_fault").put("drillId", "d1").put("agent", "diagnosis")
        .put("fault", "slow:no_evidence"), ErrorCodes.INVALID_REQUEST,
        "mode must be no_evidence, out_of_range or conflicting (byzantine only)");
    assertRefused(new JsonObject().put("action", "approve").put("drillId", "d1").put("roundId", "r1"),
        ErrorCodes.INVALID_STATE, "drill d1 has no decision awaiting approval");
    drills.rememberFinished(new JsonObject().put("id", "d0").put("state", "completed"));
    assertRefused(new JsonObject().put("action", "pause").put("drillId", "d0"), ErrorCodes.INVALID_STATE,
        "drill d0 is completed; pause no longer applies");
  }

  @Test
  void aStartSentAgainWithItsRequestKeyGetsTheDrillItStarted() {
    JsonObject first = controls.apply(start("memory_leak").put("requestKey", "k-1"));
    JsonObject again = controls.apply(start("memory_leak").put("requestKey", "k-1"));
    assertThat(again.getString("id")).isEqualTo(first.getString("id")).isEqualTo("d1");
    JsonObject other = controls.apply(start("memory_leak").put("requestKey", "k-2"));
    assertThat(other.getString("id")).isEqualTo("d2");
    assertThat(started).extracting(DrillSpec::requestKey).containsExactly("k-1", "k-2");

    drills.ended(drills.active("d1"), new JsonObject().put("id", "d1").put("state", "completed"));
    assertThat(controls.apply(start("memory_leak").put("requestKey", "k-1")).getString("state")).isEqualTo("completed");
    assertThat(started).hasSize(2);

    assertRefused(start("memory_leak").put("requestKey", "no spaces"), ErrorCodes.INVALID_REQUEST,
        "requestKey must be 1-100 letters, digits or . _ : -");
    assertRefused(start("memory_leak").put("requestKey", 7), ErrorCodes.INVALID_REQUEST,
        "requestKey must be 1-100 letters, digits or . _ : -");
    assertThat(started).hasSize(2);
  }

  @Test
  void theRequestKeyIsInTheJournalsSpec() {
    DrillSpec spec = new DrillSpec("d1", SCENARIOS.get("memory_leak"), 7, 60, ApprovalPolicy.WAIT, 30, false,
        MissingAgentPolicy.FALLBACK, "k-1");
    assertThat(DrillSpec.fromJson(DrillSpec.toJson(spec, 1_000), SCENARIOS)).isEqualTo(spec);
  }

  @Test
  void noMoreThanTheMaximumOfDrillsRunAtOnce() {
    for (int i = 0; i < DomainEngineVerticle.MAX_ACTIVE_DRILLS; i++) {
      controls.apply(start("memory_leak").put("seed", i));
    }
    assertRefused(start("memory_leak"), ErrorCodes.RATE_LIMITED, "already 20 drills running (max 20)");
    assertThat(started).hasSize(DomainEngineVerticle.MAX_ACTIVE_DRILLS);
  }

  /** A host that drops what a drill that never starts would send. */
  private static final class SilentHost implements DrillHost {
    @Override
    public void publish(String address, String key, JsonObject body, String id) {
    }

    @Override
    public void sendTask(AgentTask task) {
    }

    @Override
    public void agentControl(JsonObject control) {
    }

    @Override
    public void saveIncident(String id, JsonObject incident, boolean closed) {
    }

    @Override
    public void saveDrill(String id, JsonObject drill) {
    }

    @Override
    public void ended(DrillRunner drill, JsonObject report) {
    }
  }
}
