package dev.opshub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opshub.contract.EngineStatus;
import dev.opshub.contract.EngineStatus.Reason;
import org.junit.jupiter.api.Test;

/** What a node tells of the engine ({@link EngineStatusVerticle#decide}), step by step in time. */
class EngineStatusTest {

  private static final long NEVER = Long.MIN_VALUE;
  private static final long T0 = 1_000_000;

  @Test
  void withoutTheQuorumNoOtherEngineIsKnownEvenIfOneWasHeardLately() {
    assertThat(EngineStatusVerticle.decide(false, false, 0, "self", "n-2", T0, 42, T0))
        .isEqualTo(EngineStatus.none(Reason.NO_QUORUM));
  }

  @Test
  void thisNodesEngineIsTheAuthorityOnItselfUntilItHasStoodDown() {
    assertThat(EngineStatusVerticle.decide(false, true, 42, "self", "self", T0, 42, T0))
        .isEqualTo(EngineStatus.active(42, "self", true));
  }

  @Test
  void thisNodesActiveEngineIsKnownWithItsEpoch() {
    assertThat(EngineStatusVerticle.decide(true, true, 42, "self", "self", NEVER, 0, T0))
        .isEqualTo(EngineStatus.active(42, "self", true));
  }

  @Test
  void anotherNodesEngineIsKnownWhileItWasHeardFromLately() {
    long within = T0 + EngineStatusVerticle.HEARD_WITHIN_MS;
    assertThat(EngineStatusVerticle.decide(true, false, 0, "self", "n-2", T0, 77, within))
        .isEqualTo(EngineStatus.active(77, "n-2", false));
    assertThat(EngineStatusVerticle.decide(true, false, 0, "self", "n-2", T0, 77, within + 1))
        .isEqualTo(EngineStatus.none(Reason.NO_ENGINE));
  }

  @Test
  void nothingHeardIsNoEngine() {
    assertThat(EngineStatusVerticle.decide(true, false, 0, "self", "n-2", NEVER, 0, T0))
        .isEqualTo(EngineStatus.none(Reason.NO_ENGINE));
  }

  @Test
  void theStatusTravelsAsSnakeCaseJson() {
    assertThat(EngineStatus.none(Reason.NO_QUORUM).toJson().encode())
        .isEqualTo("{\"active\":false,\"reason\":\"no_quorum\",\"epoch\":0,\"local\":false}");
    assertThat(EngineStatus.fromJson(EngineStatus.active(5, "n-1", true).toJson())).isEqualTo(EngineStatus.active(5, "n-1", true));
  }
}
