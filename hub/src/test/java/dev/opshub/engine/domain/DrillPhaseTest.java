package dev.opshub.engine.domain;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The drill's phases, states and approval policies as the wire shows them, with the progress each phase counts. */
class DrillPhaseTest {

  @Test
  void eachPhaseCarriesItsWireNameAndProgress() {
    assertThat(Arrays.stream(DrillPhase.values()).map(p -> p.wireName() + "=" + p.progress()))
        .containsExactly("monitoring=0.05", "triage=0.15", "analysis=0.3", "proposal=0.45", "awaiting_approval=0.55",
            "escalated=0.5", "remediation=0.65", "recovery=0.75", "closing=0.9", "done=1.0");
  }

  @Test
  void runningAndPausedDrillsAreActive() {
    assertThat(Arrays.stream(DrillState.values()).map(s -> s.wireName() + "=" + s.active()))
        .containsExactly("running=true", "paused=true", "completed=false", "stopped=false");
  }

  @Test
  void onlyAutoApproveApprovesAndOnlyFromTheMinimumScore() {
    assertThat(ApprovalPolicy.fromWire("auto_approve")).isEqualTo(ApprovalPolicy.AUTO_APPROVE);
    assertThat(ApprovalPolicy.WAIT.wireName()).isEqualTo("wait");
    assertThat(ApprovalPolicy.AUTO_APPROVE.approves(ApprovalPolicy.MIN_SCORE)).isTrue();
    assertThat(ApprovalPolicy.AUTO_APPROVE.approves(0.4999)).isFalse();
    assertThat(ApprovalPolicy.AUTO_REJECT.approves(0.99)).isFalse();
  }
}
