package dev.opshub.agents;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.TaskKind;
import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import dev.opshub.drills.SignalModel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The five agents: live state and heartbeats, deterministic answers, degraded fallbacks, faults and reset. */
@ExtendWith(VertxExtension.class)
class AgentsVerticleTest {

  private final Scenario db = ScenarioLoader.loadBuiltIn().get("database_cascade");
  private final Map<String, Promise<AgentReport>> reports = new ConcurrentHashMap<>();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_REPORTS, m -> {
      AgentReport r = AgentReport.fromJson(m.body());
      reports.computeIfAbsent(r.taskId(), k -> Promise.promise()).tryComplete(r);
    });
    vertx.deployVerticle(new AgentsVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("nodeId", "n-test")))
        .onComplete(ctx.succeedingThenComplete());
  }

  private AgentTask task(String taskId, AgentId agent, TaskKind kind, double t, JsonObject context, String fault) {
    SignalModel world = new SignalModel(db, 42);
    return new AgentTask(taskId, "drill-x", "inc-x", agent, 3, kind, 42, 600, t, world.window(t, 120), context, fault);
  }

  private Future<AgentReport> send(Vertx vertx, AgentTask t) {
    Future<AgentReport> f = reports.computeIfAbsent(t.taskId(), k -> Promise.promise()).future();
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_TASKS, t.toJson());
    return f;
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void everyAgentSendsHeartbeats(Vertx vertx, VertxTestContext ctx) {
    Set<AgentId> seen = EnumSet.noneOf(AgentId.class);
    Checkpoint all = ctx.checkpoint();
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_STATUS, m -> {
      AgentStatus s = AgentStatus.fromJson(m.body());
      if (s.heartbeat()) {
        ctx.verify(() -> {
          assertThat(s.node()).isEqualTo("n-test");
          assertThat(s.state()).isEqualTo(AgentState.IDLE);
        });
        synchronized (seen) {
          if (seen.add(s.agent()) && seen.size() == AgentId.values().length) {
            all.flag();
          }
        }
      }
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void detectionFindsTheAnomalyAndAnswersTheSameTwice(Vertx vertx, VertxTestContext ctx) {
    Set<AgentState> states = ConcurrentHashMap.newKeySet();
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_STATUS, m -> {
      AgentStatus s = AgentStatus.fromJson(m.body());
      if (s.agent() == AgentId.DETECTION && !s.heartbeat()) {
        states.add(s.state());
      }
    });
    JsonObject monitor = new JsonObject().put("mode", "monitor");
    send(vertx, task("t-quiet", AgentId.DETECTION, TaskKind.DETECT, 90, monitor, null))
        .compose(quiet -> {
          ctx.verify(() -> {
            assertThat(quiet.findings().getBoolean("anomaly")).isFalse();
            assertThat(quiet.recommendation()).isNull();
          });
          return send(vertx, task("t-1", AgentId.DETECTION, TaskKind.DETECT, 420, monitor, null));
        })
        .compose(first -> send(vertx, task("t-2", AgentId.DETECTION, TaskKind.DETECT, 420, monitor, null)).map(second -> {
          ctx.verify(() -> {
            assertThat(first.findings().getBoolean("anomaly")).isTrue();
            assertThat(first.findings().getString("lead")).isEqualTo("db_pool_utilization");
            assertThat(first.recommendation().evidence()).isNotEmpty();
            assertThat(first.recommendation().alternatives()).filteredOn(a -> a.chosen()).hasSize(1);
            assertThat(first.recommendation().confidence()).isBetween(0.0, 1.0);
            assertThat(second.recommendation()).isEqualTo(first.recommendation());
            assertThat(second.findings()).isEqualTo(first.findings());
            assertThat(second.elapsedSeconds()).isEqualTo(first.elapsedSeconds());
            assertThat(states).contains(AgentState.ANALYZING);
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void diagnosisNamesTheCauseOrDegradesToAFallback(Vertx vertx, VertxTestContext ctx) {
    send(vertx, task("d-1", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, 450, new JsonObject(), null))
        .compose(ok -> {
          ctx.verify(() -> {
            assertThat(ok.findings().getString("cause")).isEqualTo("connection_pool_exhaustion");
            assertThat(ok.degraded()).isFalse();
            assertThat(ok.recommendation().confidence()).isGreaterThanOrEqualTo(AgentId.DIAGNOSIS.threshold());
            assertThat(ok.elapsedSeconds()).isLessThan(AgentId.DIAGNOSIS.timeout().toSeconds());
          });
          // before anything moved there is nothing to diagnose: confidence under threshold, fallback
          return send(vertx, task("d-2", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, 120, new JsonObject(), null));
        })
        .onComplete(ctx.succeeding(weak -> ctx.verify(() -> {
          assertThat(weak.degraded()).isTrue();
          assertThat(weak.recommendation().fallback()).isTrue();
          assertThat(weak.recommendation().confidence()).isLessThan(AgentId.DIAGNOSIS.threshold());
          assertThat(weak.findings().getBoolean("fallback")).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void byzantineAndSlowFaultsShowInTheAnswer(Vertx vertx, VertxTestContext ctx) {
    send(vertx, task("b-1", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, 450, new JsonObject(), "byzantine:no_evidence"))
        .compose(b -> {
          ctx.verify(() -> {
            assertThat(b.recommendation().confidence()).isEqualTo(1.0);
            assertThat(b.recommendation().evidence()).isEmpty();
            assertThat(b.recommendation().action().wireName()).isEqualTo("scale_down");
          });
          return send(vertx, task("b-2", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, 450, new JsonObject(), "byzantine:out_of_range"));
        })
        .compose(b -> {
          ctx.verify(() -> assertThat(b.recommendation().confidence()).isGreaterThan(1.0));
          // speed 600: 1.5 x 30 s = 45 drill s late, 75 ms of wall time
          return send(vertx, task("s-1", AgentId.COMMUNICATION, TaskKind.COMMUNICATE, 450, new JsonObject(), "slow"));
        })
        .onComplete(ctx.succeeding(slow -> ctx.verify(() -> {
          assertThat(slow.elapsedSeconds()).isGreaterThan(AgentId.COMMUNICATION.timeout().toSeconds());
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void aCrashedAgentFailsAndStopsAnsweringUntilReset(Vertx vertx, VertxTestContext ctx) {
    Promise<Void> failed = Promise.promise();
    Promise<Void> idleAgain = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.INTERNAL_AGENT_STATUS, m -> {
      AgentStatus s = AgentStatus.fromJson(m.body());
      if (s.agent() == AgentId.PREDICTION && !s.heartbeat()) {
        if (s.state() == AgentState.FAILED) {
          failed.tryComplete();
        } else if (failed.future().isComplete() && s.state() == AgentState.IDLE) {
          idleAgain.tryComplete();
        }
      }
    });
    vertx.eventBus().publish(Addresses.INTERNAL_AGENT_CONTROL, new JsonObject().put("action", "inject")
        .put("agent", "prediction").put("fault", "crash"));
    failed.future().compose(v -> {
      send(vertx, task("c-1", AgentId.PREDICTION, TaskKind.PREDICT, 450, new JsonObject(), null));
      Promise<Void> silence = Promise.promise();
      // a crashed agent must not answer: nothing within half a second
      vertx.setTimer(500, t -> silence.complete());
      return silence.future();
    }).compose(v -> {
      ctx.verify(() -> assertThat(reports.get("c-1").future().isComplete()).isFalse());
      vertx.eventBus().publish(Addresses.INTERNAL_AGENT_CONTROL, new JsonObject().put("action", "reset"));
      return idleAgain.future();
    }).compose(v -> send(vertx, task("c-2", AgentId.PREDICTION, TaskKind.PREDICT, 450, new JsonObject(), null)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.findings().getDouble("escalationProbability")).isBetween(0.0, 1.0);
          assertThat(r.recommendation()).isNotNull();
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void badSignalsGiveAMarkedFallbackAndTheAgentGoesOn(Vertx vertx, VertxTestContext ctx) {
    JsonObject bad = new JsonObject().put("series", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("metric", "x").put("values", new io.vertx.core.json.JsonArray().add("oops"))));
    AgentTask broken = new AgentTask("x-1", "drill-x", "inc-x", AgentId.DIAGNOSIS, 1, TaskKind.DIAGNOSE, 1, 60, 10, bad,
        new JsonObject(), null);
    send(vertx, broken)
        .compose(r -> {
          ctx.verify(() -> {
            assertThat(r.degraded()).isTrue();
            assertThat(r.recommendation().fallback()).isTrue();
            assertThat(r.findings().getString("error")).isNotBlank();
          });
          return send(vertx, task("x-2", AgentId.DIAGNOSIS, TaskKind.DIAGNOSE, 450, new JsonObject(), null));
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.degraded()).isFalse();
          ctx.completeNow();
        })));
  }
}
