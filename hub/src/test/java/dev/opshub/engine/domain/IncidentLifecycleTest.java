package dev.opshub.engine.domain;

import dev.opshub.contract.Clock;
import dev.opshub.contract.IncidentStatus;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.opshub.contract.IncidentStatus.CLOSED;
import static dev.opshub.contract.IncidentStatus.DETECTED;
import static dev.opshub.contract.IncidentStatus.DIAGNOSED;
import static dev.opshub.contract.IncidentStatus.ESCALATED;
import static dev.opshub.contract.IncidentStatus.FAILED;
import static dev.opshub.contract.IncidentStatus.INVESTIGATING;
import static dev.opshub.contract.IncidentStatus.RESOLVED;
import static dev.opshub.contract.IncidentStatus.RESOLVING;
import static dev.opshub.contract.IncidentStatus.TRIAGED;
import static org.assertj.core.api.Assertions.assertThat;

/** Every pair of states: the valid ones apply, every other one is rejected with a reason. */
class IncidentLifecycleTest {

  private static final Map<IncidentStatus, Set<IncidentStatus>> VALID = Map.of(
      DETECTED, EnumSet.of(TRIAGED, ESCALATED, FAILED),
      TRIAGED, EnumSet.of(INVESTIGATING, ESCALATED, FAILED),
      INVESTIGATING, EnumSet.of(DIAGNOSED, ESCALATED, FAILED),
      DIAGNOSED, EnumSet.of(RESOLVING, ESCALATED, FAILED),
      RESOLVING, EnumSet.of(RESOLVED, ESCALATED, FAILED),
      RESOLVED, EnumSet.of(CLOSED),
      ESCALATED, EnumSet.of(INVESTIGATING, RESOLVING, FAILED),
      FAILED, EnumSet.of(CLOSED),
      CLOSED, EnumSet.noneOf(IncidentStatus.class));

  @Test
  void everyTransitionIsCheckedAgainstTheStateMachine() {
    int valid = 0;
    int invalid = 0;
    for (IncidentStatus from : IncidentStatus.values()) {
      for (IncidentStatus to : IncidentStatus.values()) {
        IncidentLifecycle.Transition t = IncidentLifecycle.check(from, to);
        boolean expected = VALID.get(from).contains(to);
        assertThat(t.applied()).as(from + " -> " + to).isEqualTo(expected);
        assertThat(IncidentLifecycle.allowed(from, to)).isEqualTo(expected);
        if (expected) {
          valid++;
          assertThat(t.reason()).isNull();
        } else {
          invalid++;
          assertThat(t.reason()).as(from + " -> " + to).isNotBlank();
        }
      }
      assertThat(IncidentLifecycle.next(from)).isEqualTo(VALID.get(from));
    }
    assertThat(valid).isEqualTo(20);
    assertThat(invalid).isEqualTo(81 - 20);
  }

  @Test
  void theHappyPathRunsFromDetectedToClosed() {
    IncidentStatus[] path = {DETECTED, TRIAGED, INVESTIGATING, DIAGNOSED, RESOLVING, RESOLVED, CLOSED};
    for (int i = 1; i < path.length; i++) {
      assertThat(IncidentLifecycle.check(path[i - 1], path[i]).applied()).isTrue();
    }
  }

  @Test
  void skippingStepsOrGoingBackIsRejected() {
    assertThat(IncidentLifecycle.check(DETECTED, RESOLVED).applied()).isFalse();
    assertThat(IncidentLifecycle.check(RESOLVED, INVESTIGATING).applied()).isFalse();
    assertThat(IncidentLifecycle.check(CLOSED, DETECTED).reason()).contains("invalid transition closed -> detected");
    assertThat(IncidentLifecycle.check(TRIAGED, TRIAGED).reason()).contains("already triaged");
    assertThat(IncidentLifecycle.check(TRIAGED, null).applied()).isFalse();
  }

  @Test
  void theIncidentRecordsTimeSpentInEachState() {
    Incident inc = new Incident("i", "d", dev.opshub.drills.ScenarioLoader.loadBuiltIn().get("database_cascade"), 100,
        Clock.SYSTEM);
    inc.enter(TRIAGED, 110);
    inc.enter(INVESTIGATING, 115);
    inc.enter(DIAGNOSED, 215);
    inc.enter(RESOLVING, 300);
    inc.enter(RESOLVED, 460);
    assertThat(inc.mttrMinutes()).isEqualTo(6.0);
    assertThat(inc.phaseDurations().getDouble("detected")).isEqualTo(10.0);
    assertThat(inc.phaseDurations().getDouble("investigating")).isEqualTo(100.0);
    assertThat(inc.phaseDurations().getDouble("resolving")).isEqualTo(160.0);
    assertThat(inc.toJson().getBoolean("slaMet")).isTrue();
  }
}
