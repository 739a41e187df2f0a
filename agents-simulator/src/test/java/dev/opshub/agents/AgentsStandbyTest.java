package dev.opshub.agents;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.TaskKind;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import dev.opshub.drills.SignalModel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two agents nodes in one Vert.x (one node-local member list): only the older node's agents answer and report
 * status; when it leaves the list, the other node's agents announce themselves, keep the faults injected while
 * they were standby, and answer a task seen again exactly as the first node did.
 */
@ExtendWith(VertxExtension.class)
class AgentsStandbyTest {

  private final Scenario db = ScenarioLoader.loadBuiltIn().get("database_cascade");
  private final List<AgentReport> reports = new CopyOnWriteArrayList<>();
  private final List<AgentStatus> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    setMembers(vertx, "n-a", "n-b");
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_REPORTS, m -> reports.add(AgentReport.fromJson(m.body())));
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_STATUS, m -> statuses.add(AgentStatus.fromJson(m.body())));
    vertx.deployVerticle(new AgentsVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("nodeId", "n-a")))
        .compose(id -> vertx.deployVerticle(new AgentsVerticle(),
            new DeploymentOptions().setConfig(new JsonObject().put("nodeId", "n-b"))))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** What the hub's membership keeper does: the list in the node-local map, then the local event. */
  private static void setMembers(Vertx vertx, String... agentNodes) {
    JsonArray list = new JsonArray().add(new JsonObject().put("nodeId", "n-engine").put("roles", "engine,web"));
    for (String node : agentNodes) {
      list.add(new JsonObject().put("nodeId", node).put("roles", "agents"));
    }
    vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).put(NodeLocalMap.MEMBERS, list.encode());
    vertx.eventBus().publish(Addresses.LOCAL_MEMBERSHIP_CHANGED, list.size(), new DeliveryOptions().setLocalOnly(true));
  }

  private AgentTask task(String taskId, AgentId agent, TaskKind kind) {
    SignalModel world = new SignalModel(db, 42);
    return new AgentTask(taskId, "drill-x", "inc-x", agent, 3, kind, 42, 600, 450, world.window(450, 120),
        new JsonObject(), null);
  }

  /** Completes once {@code count} reports for {@code taskId} came, and a further 300 ms brought no other. */
  private Future<List<AgentReport>> answers(Vertx vertx, String taskId, int count) {
    Promise<List<AgentReport>> done = Promise.promise();
    long poll = vertx.setPeriodic(20, t -> {
      List<AgentReport> mine = reports.stream().filter(r -> r.taskId().equals(taskId)).toList();
      if (mine.size() >= count && !done.future().isComplete()) {
        vertx.setTimer(300, x -> done.tryComplete(reports.stream().filter(r -> r.taskId().equals(taskId)).toList()));
      }
    });
    return done.future().andThen(ar -> vertx.cancelTimer(poll));
  }

  /** Completes once every agent sent a status from {@code node} in state {@code state} (any state when null). */
  private Future<Map<AgentId, AgentStatus>> announced(Vertx vertx, String node) {
    Promise<Map<AgentId, AgentStatus>> done = Promise.promise();
    long poll = vertx.setPeriodic(20, t -> {
      Map<AgentId, AgentStatus> latest = new EnumMap<>(AgentId.class);
      statuses.stream().filter(s -> s.node().equals(node)).forEach(s -> latest.put(s.agent(), s));
      if (latest.size() == AgentId.values().length) {
        done.tryComplete(latest);
      }
    });
    return done.future().andThen(ar -> vertx.cancelTimer(poll));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  void onlyTheOlderNodeAnswersAndTheOtherTakesOverWhenItLeaves(Vertx vertx, VertxTestContext ctx) {
    AgentReport[] first = new AgentReport[1];
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_TASKS, task("t-1", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE).toJson());
    answers(vertx, "t-1", 1)
        .compose(answers -> {
          ctx.verify(() -> assertThat(answers).extracting(AgentReport::node).containsExactly("n-a"));
          first[0] = answers.get(0);
          // a crash injected while n-b is standby: n-b keeps it
          vertx.eventBus().publish(Addresses.INTERNAL_AGENT_CONTROL, new JsonObject().put("action", "inject")
              .put("agent", "prediction").put("fault", "crash"));
          // heartbeats come every 2 s: wait for one round of them from n-a
          return announced(vertx, "n-a");
        })
        .compose(fromA -> {
          ctx.verify(() -> assertThat(statuses).extracting(AgentStatus::node).containsOnly("n-a"));
          int before = statuses.size();
          setMembers(vertx, "n-b");
          return announced(vertx, "n-b").map(fromB -> {
            ctx.verify(() -> {
              assertThat(fromB.get(AgentId.PREDICTION).state()).isEqualTo(AgentState.FAILED);
              assertThat(fromB.get(AgentId.DIAGNOSIS).state()).isEqualTo(AgentState.IDLE);
              assertThat(statuses.subList(before, statuses.size())).extracting(AgentStatus::node).containsOnly("n-b");
            });
            return fromB;
          });
        })
        .compose(fromB -> {
          // the engine sends a task again that n-a may have answered before it died
          vertx.eventBus().publish(Addresses.INTERNAL_AGENT_TASKS, task("t-1", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE).toJson());
          return answers(vertx, "t-1", 2);
        })
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(answers).extracting(AgentReport::node).containsExactly("n-a", "n-b");
          AgentReport again = answers.get(1);
          assertThat(again.recommendation()).isEqualTo(first[0].recommendation());
          assertThat(again.findings()).isEqualTo(first[0].findings());
          assertThat(again.summary()).isEqualTo(first[0].summary());
          assertThat(again.elapsedSeconds()).isEqualTo(first[0].elapsedSeconds());
          assertThat(again.degraded()).isEqualTo(first[0].degraded());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void theTaskSaysWhichFaultIsInForceNotWhatControlsAnInstanceHappenedToSee(Vertx vertx, VertxTestContext ctx) {
    // n-a keeps a crash for drill-x from a control (e.g. one the other instances missed); the engine's tasks name
    // the drill's faults, and this one names none
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_CONTROL, new JsonObject().put("action", "inject")
        .put("agent", "diagnosis").put("fault", "crash").put("drillId", "drill-x"));
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_TASKS, task("t-2", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE).toJson());
    answers(vertx, "t-2", 1).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      assertThat(answers).extracting(AgentReport::node).containsExactly("n-a");
      assertThat(answers.get(0).findings().getString("cause")).isEqualTo("connection_pool_exhaustion");
      ctx.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void withNoAgentsMemberNobodyAnswers(Vertx vertx, VertxTestContext ctx) {
    setMembers(vertx);
    int before = statuses.size();
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_TASKS, task("t-9", AgentId.DETECTION, TaskKind.DETECT).toJson());
    // longer than a heartbeat period: no answer, no status
    vertx.setTimer(AgentVerticle.HEARTBEAT_MS + 500, t -> ctx.verify(() -> {
      assertThat(reports).filteredOn(r -> r.taskId().equals("t-9")).isEmpty();
      assertThat(statuses.subList(before, statuses.size())).isEmpty();
      ctx.completeNow();
    }));
  }
}
