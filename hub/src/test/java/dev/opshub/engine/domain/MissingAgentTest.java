package dev.opshub.engine.domain;

import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.ManualClock;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A drill whose agent has no active instance anywhere waits for one to take over (its task goes to the new instance
 * when it is back), or, with the fallback policy, goes on at the agent's timeout with the engine's fallback. No
 * agent answers here at all: the drill's own timeouts move it, on a hand-stepped clock.
 */
class MissingAgentTest {

  private static final Map<String, Scenario> SCENARIOS = ScenarioLoader.loadBuiltIn();

  private final ManualClock wall = new ManualClock();
  private final ManualTimers timers = new ManualTimers(wall);
  private final List<AgentTask> tasks = new ArrayList<>();
  private final List<JsonObject> timeline = new ArrayList<>();

  private DrillRunner drill(MissingAgentPolicy policy) {
    DrillSpec spec = new DrillSpec("d1", SCENARIOS.get("database_cascade"), 42, 600, ApprovalPolicy.AUTO_APPROVE, 120,
        false, policy);
    DrillHost host = new DrillHost() {
      @Override
      public void publish(String address, String key, JsonObject body, String id) {
        if ("ops.incidents.timeline".equals(address)) {
          timeline.add(body);
        }
      }

      @Override
      public void sendTask(AgentTask task) {
        tasks.add(task);
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
    };
    return DrillRunner.start(host, wall, timers, spec, new DrillJournal("d1", new MemoryAsyncMap<>(), wall, timers, 0, -1));
  }

  /** Steps wall time until a task for {@code agent} was sent (the drill's fallbacks move it on meanwhile). */
  private AgentTask untilTaskFor(AgentId agent) {
    for (int i = 0; i < 200; i++) {
      for (AgentTask t : tasks) {
        if (t.agent() == agent) {
          return t;
        }
      }
      timers.advance(AgentDispatch.GRACE_MS);
    }
    throw new AssertionError("no task for " + agent + " in " + tasks);
  }

  private long fallbacksOf(AgentId agent) {
    return timeline.stream().filter(e -> "agent".equals(e.getString("type")) && agent.wireName().equals(e.getString("agent"))
        && e.getBoolean("fallback", false)).count();
  }

  @Test
  void a_drill_that_waits_holds_its_task_for_a_missing_agent_and_sends_it_to_the_new_instance() {
    DrillRunner d = drill(MissingAgentPolicy.WAIT);
    d.agentAvailability(AgentId.DIAGNOSIS, false);
    AgentTask diagnose = untilTaskFor(AgentId.DIAGNOSIS);
    int sent = tasks.size();
    timers.advance(60_000);
    assertThat(fallbacksOf(AgentId.DIAGNOSIS)).as("no fallback while it waits").isZero();
    assertThat(d.incident().status().wireName()).isEqualTo("investigating");
    d.agentAvailability(AgentId.DIAGNOSIS, true);
    assertThat(tasks.subList(sent, tasks.size())).as("sent again to the instance that took over")
        .extracting(AgentTask::taskId).contains(diagnose.taskId());
  }

  @Test
  void a_drill_with_the_fallback_policy_goes_on_with_the_engines_fallback_marked_as_such() {
    DrillRunner d = drill(MissingAgentPolicy.FALLBACK);
    d.agentAvailability(AgentId.DIAGNOSIS, false);
    untilTaskFor(AgentId.DIAGNOSIS);
    timers.advance(AgentDispatch.GRACE_MS);
    assertThat(fallbacksOf(AgentId.DIAGNOSIS)).isEqualTo(1);
  }

  @Test
  void a_drill_waits_no_longer_than_the_bound() {
    DrillRunner d = drill(MissingAgentPolicy.WAIT);
    d.agentAvailability(AgentId.DIAGNOSIS, false);
    untilTaskFor(AgentId.DIAGNOSIS);
    timers.advance(MissingAgentPolicy.MAX_WAIT_MS + AgentDispatch.GRACE_MS);
    assertThat(fallbacksOf(AgentId.DIAGNOSIS)).isEqualTo(1);
  }
}
