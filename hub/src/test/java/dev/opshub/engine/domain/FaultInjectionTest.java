package dev.opshub.engine.domain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults change the consensus as documented: with seed 7, database_cascade's first round is unanimous and
 * automatic; a byzantine diagnosis is excluded (no evidence, out of range) or outvoted (conflicting), a
 * crashed one times out into a fallback that does not vote — each time the round needs approval, the
 * harmful action never wins, and the incident is still resolved.
 */
@ExtendWith(VertxExtension.class)
class FaultInjectionTest {

  private static final long SEED = 7;

  private static Future<JsonObject> runWithFault(EngineHarness h, String fault) {
    return runWithFault(h, "diagnosis", fault);
  }

  private static Future<JsonObject> runWithFault(EngineHarness h, String agent, String fault) {
    return h.control(EngineHarness.start("database_cascade", SEED, 600)).compose(d -> {
      String id = d.getString("id");
      Future<JsonObject> injected = fault == null ? Future.succeededFuture(d)
          : h.control(new JsonObject().put("action", "inject_fault").put("drillId", id).put("agent", agent)
          .put("fault", fault));
      return injected.compose(x -> h.ended(id))
          .compose(v -> h.query(new JsonObject().put("op", "report").put("id", id)));
    });
  }

  private static JsonObject firstRound(JsonObject report) {
    return report.getJsonArray("consensusRounds").getJsonObject(0);
  }

  private static JsonObject vote(JsonObject round, String agent) {
    JsonArray votes = round.getJsonArray("votes");
    for (int i = 0; i < votes.size(); i++) {
      if (agent.equals(votes.getJsonObject(i).getString("agent"))) {
        return votes.getJsonObject(i);
      }
    }
    throw new AssertionError("no vote from " + agent + " in " + round.encode());
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void faultsChangeTheConsensusOutcome(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    h.deploy().compose(v -> Future.all(runWithFault(h, null), runWithFault(h, "byzantine:no_evidence"),
            runWithFault(h, "byzantine:out_of_range"), runWithFault(h, "byzantine:conflicting"), runWithFault(h, "crash")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject base = firstRound(all.resultAt(0));
          assertThat(base.getBoolean("requiresApproval")).isFalse();
          assertThat(base.getString("decision")).isEqualTo("auto_approved");
          assertThat(base.getJsonArray("exclusions")).isEmpty();
          String honest = base.getString("winner");

          JsonObject noEvidence = firstRound(all.resultAt(1));
          assertThat(vote(noEvidence, "diagnosis").getString("reason")).isEqualTo(Consensus.NO_EVIDENCE);
          assertThat(vote(noEvidence, "diagnosis").getDouble("confidence")).isEqualTo(1.0);

          JsonObject outOfRange = firstRound(all.resultAt(2));
          assertThat(vote(outOfRange, "diagnosis").getString("reason")).isEqualTo(Consensus.OUT_OF_RANGE);
          assertThat(vote(outOfRange, "diagnosis").getDouble("confidence")).isGreaterThan(1.0);

          JsonObject conflicting = firstRound(all.resultAt(3));
          assertThat(vote(conflicting, "diagnosis").getBoolean("excluded")).isFalse();
          assertThat(vote(conflicting, "diagnosis").getString("action")).isEqualTo("scale_down");

          JsonObject crash = firstRound(all.resultAt(4));
          assertThat(vote(crash, "diagnosis").getString("reason")).isEqualTo(Consensus.FALLBACK);
          assertThat(all.<JsonObject>resultAt(4).getJsonArray("agentActions").stream()
              .map(JsonObject.class::cast)
              .anyMatch(a -> "diagnosis".equals(a.getString("agent")) && a.getBoolean("timedOut"))).isTrue();

          for (JsonObject round : new JsonObject[] {noEvidence, outOfRange, conflicting, crash}) {
            assertThat(round.getBoolean("requiresApproval")).as(round.encode()).isTrue();
            assertThat(round.getDouble("score")).isLessThan(base.getDouble("score"));
            assertThat(round.getString("winner")).isEqualTo(honest).isNotEqualTo("scale_down");
          }
          for (int i = 0; i < 5; i++) {
            assertThat(all.<JsonObject>resultAt(i).getJsonObject("outcome").getBoolean("resolved")).isTrue();
          }
          assertThat(all.<JsonObject>resultAt(0).getJsonObject("outcome").getBoolean("automated")).isTrue();
          assertThat(all.<JsonObject>resultAt(1).getJsonObject("outcome").getBoolean("automated")).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void aCrashedDetectionIsReplacedButACrashedResolutionFailsTheIncident(Vertx vertx, VertxTestContext ctx,
                                                                        @TempDir Path dir) {
    EngineHarness h = new EngineHarness(vertx, dir);
    h.deploy().compose(v -> Future.all(runWithFault(h, "detection", "crash"), runWithFault(h, "resolution", "crash")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject noDetection = all.resultAt(0);
          JsonObject first = noDetection.getJsonArray("agentActions").getJsonObject(0);
          assertThat(first.getString("agent")).isEqualTo("detection");
          assertThat(first.getBoolean("timedOut")).isTrue();
          assertThat(first.getJsonObject("findings").getBoolean("anomaly")).isTrue();
          assertThat(noDetection.getJsonObject("outcome").getBoolean("resolved")).isTrue();

          // nobody can apply a remediation: three rounds, then the incident fails and is closed
          JsonObject noResolution = all.resultAt(1);
          assertThat(noResolution.getJsonObject("outcome").getBoolean("resolved")).isFalse();
          assertThat(noResolution.getJsonArray("consensusRounds")).hasSize(IncidentResponse.MAX_ROUNDS);
          assertThat(noResolution.getJsonObject("incident").getString("status")).isEqualTo("closed");
          assertThat(noResolution.getJsonObject("incident").getString("failureReason")).contains("rounds");
          assertThat(noResolution.getJsonArray("timeline").stream().map(JsonObject.class::cast)
              .anyMatch(e -> "failed".equals(e.getString("to")))).isTrue();
          ctx.completeNow();
        })));
  }
}
