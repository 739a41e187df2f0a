package dev.opshub.engine.domain;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import dev.opshub.contract.Risk;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The weighted vote of DOMAIN.md: arithmetic, approval threshold, exclusions with reasons. */
class ConsensusTest {

  private static final List<Evidence> SOME = List.of(new Evidence("metric:x", "x rose", 0.8));

  private static Recommendation rec(AgentId a, Action action, double c) {
    return rec(a, action, c, SOME, false);
  }

  private static Recommendation rec(AgentId a, Action action, double c, List<Evidence> ev, boolean fallback) {
    return new Recommendation(a, "inc", action, c, Risk.LOW, "because", ev, List.of(), fallback);
  }

  private static final Set<Action> NONE = EnumSet.noneOf(Action.class);

  @Test
  void scoreIsConfidenceTimesWeightSummedPerAction() {
    Consensus.Round r = Consensus.vote(List.of(
        rec(AgentId.DETECTION, Action.SCALE_UP, 0.9),
        rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 0.8),
        rec(AgentId.PREDICTION, Action.CIRCUIT_BREAKER_OPEN, 0.7),
        rec(AgentId.RESOLUTION, Action.SCALE_UP, 0.6)), NONE);
    // 0.9*0.2 + 0.8*0.4 + 0.6*0.1 = 0.56 ; 0.7*0.3 = 0.21
    assertThat(r.scores().get(Action.SCALE_UP)).isCloseTo(0.56, within(1e-9));
    assertThat(r.scores().get(Action.CIRCUIT_BREAKER_OPEN)).isCloseTo(0.21, within(1e-9));
    assertThat(r.winner()).isEqualTo(Action.SCALE_UP);
    assertThat(r.score()).isEqualTo(0.56);
    assertThat(r.requiresApproval()).isTrue();
    assertThat(r.exclusions()).isEmpty();
  }

  @Test
  void unanimousConfidentVoteNeedsNoApprovalAndTheThresholdIsInclusive() {
    Consensus.Round high = Consensus.vote(List.of(
        rec(AgentId.DETECTION, Action.DRAIN_TRAFFIC, 0.95),
        rec(AgentId.DIAGNOSIS, Action.DRAIN_TRAFFIC, 0.9),
        rec(AgentId.PREDICTION, Action.DRAIN_TRAFFIC, 0.9),
        rec(AgentId.RESOLUTION, Action.DRAIN_TRAFFIC, 0.9)), NONE);
    assertThat(high.score()).isEqualTo(0.91);
    assertThat(high.requiresApproval()).isFalse();
    // exactly 0.85: 0.85 * (0.2+0.4+0.3+0.1)
    Consensus.Round edge = Consensus.vote(List.of(
        rec(AgentId.DETECTION, Action.SCALE_UP, 0.85), rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 0.85),
        rec(AgentId.PREDICTION, Action.SCALE_UP, 0.85), rec(AgentId.RESOLUTION, Action.SCALE_UP, 0.85)), NONE);
    assertThat(edge.score()).isEqualTo(0.85);
    assertThat(edge.requiresApproval()).isFalse();
  }

  @Test
  void faultyRecommendationsAreExcludedWithTheirReason() {
    Consensus.Round r = Consensus.vote(List.of(
        rec(AgentId.DETECTION, Action.SCALE_UP, 0.9),
        rec(AgentId.DIAGNOSIS, Action.SCALE_DOWN, 1.0, List.of(), false),
        rec(AgentId.PREDICTION, Action.SCALE_DOWN, 1.7),
        rec(AgentId.RESOLUTION, Action.SCALE_UP, 0.0, List.of(), true),
        rec(AgentId.COMMUNICATION, Action.NOTIFY_TEAM, 0.95)), NONE);
    assertThat(r.exclusions()).extracting(Consensus.Vote::agent, Consensus.Vote::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple(AgentId.DIAGNOSIS, Consensus.NO_EVIDENCE),
        org.assertj.core.groups.Tuple.tuple(AgentId.PREDICTION, Consensus.OUT_OF_RANGE),
        org.assertj.core.groups.Tuple.tuple(AgentId.RESOLUTION, Consensus.FALLBACK),
        org.assertj.core.groups.Tuple.tuple(AgentId.COMMUNICATION, Consensus.NON_VOTING));
    assertThat(r.winner()).isEqualTo(Action.SCALE_UP);
    assertThat(r.score()).isEqualTo(0.18);
    assertThat(r.scores()).doesNotContainKey(Action.SCALE_DOWN);
    assertThat(r.toJson().getJsonArray("votes")).hasSize(5);
    assertThat(r.toJson().getJsonArray("exclusions")).hasSize(4);
  }

  @Test
  void boundariesOfTheExclusionRules() {
    assertThat(Consensus.exclusionReason(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 0.95, List.of(), false), NONE)).isNull();
    assertThat(Consensus.exclusionReason(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 0.951, List.of(), false), NONE))
        .isEqualTo(Consensus.NO_EVIDENCE);
    assertThat(Consensus.exclusionReason(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 1.0), NONE)).isNull();
    assertThat(Consensus.exclusionReason(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, -0.1), NONE)).isEqualTo(Consensus.OUT_OF_RANGE);
    assertThat(Consensus.exclusionReason(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, Double.NaN), NONE))
        .isEqualTo(Consensus.OUT_OF_RANGE);
    assertThat(Consensus.exclusionReason(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 0.9), EnumSet.of(Action.SCALE_UP)))
        .isEqualTo(Consensus.ACTION_EXCLUDED);
  }

  @Test
  void noCountableVoteMeansNoWinner() {
    Consensus.Round r = Consensus.vote(List.of(rec(AgentId.DIAGNOSIS, Action.SCALE_UP, 2.0)), NONE);
    assertThat(r.winner()).isNull();
    assertThat(r.score()).isZero();
    assertThat(r.requiresApproval()).isTrue();
  }

  @Test
  void aTieGoesToTheActionBackedByTheHeavierAgent() {
    // 0.5*0.4 = 0.2 (diagnosis) vs 1.0*0.2 = 0.2 (detection)
    Consensus.Round r = Consensus.vote(List.of(
        rec(AgentId.DETECTION, Action.SCALE_UP, 0.9 + 0.1),
        rec(AgentId.DIAGNOSIS, Action.RESTART_SERVICE, 0.5)), NONE);
    assertThat(r.winner()).isEqualTo(Action.RESTART_SERVICE);
  }
}
