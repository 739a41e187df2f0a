package dev.opshub.engine.domain;

import dev.opshub.contract.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The drill clock against a hand-stepped wall clock: exact drill times, wake-ups, pauses, holds and virtual time. */
class DrillClockTest {

  private final ManualClock wall = new ManualClock();
  private final ManualTimers timers = new ManualTimers(wall);
  private final List<String> ran = new ArrayList<>();

  private DrillClock started(double speed) {
    DrillClock clock = new DrillClock(wall, timers, speed);
    clock.start();
    return clock;
  }

  private void at(DrillClock clock, double t, String name) {
    at(clock, t, DrillClock.RANK_SAMPLE, name);
  }

  private void at(DrillClock clock, double t, int rank, String name) {
    clock.schedule(t, rank, () -> ran.add(name + "@" + clock.now()));
  }

  @Test
  void eventsAtTheSameTimeRunByRankThenInTheOrderTheyWereScheduled() {
    DrillClock clock = started(1);
    at(clock, 0, DrillClock.RANK_AGENT + 2, "prediction");
    at(clock, 0, DrillClock.RANK_AGENT + 1, "diagnosis");
    at(clock, 0, DrillClock.RANK_CONTROL, "policy");
    at(clock, 0, DrillClock.RANK_SAMPLE, "sample");
    at(clock, 0, DrillClock.RANK_CONTROL, "second-policy");
    clock.pump();
    assertThat(ran).containsExactly("sample@0.0", "policy@0.0", "second-policy@0.0", "diagnosis@0.0",
        "prediction@0.0");
    assertThat(timers.delays()).isEmpty();
  }

  @Test
  void wallTimeMovesTheDrillAtItsSpeedAndTheTimerWakesItWhenTheNextEventIsDue() {
    DrillClock clock = started(60);
    at(clock, 0, "a");
    at(clock, 30, "b");
    at(clock, 90, "c");
    clock.pump();
    assertThat(ran).containsExactly("a@0.0");
    // 30 drill seconds at 60 per wall second
    assertThat(timers.delays()).containsExactly(500L);
    timers.advance(499);
    assertThat(ran).hasSize(1);
    assertThat(clock.reached()).isEqualTo(29.94);
    timers.advance(1);
    assertThat(ran).containsExactly("a@0.0", "b@30.0");
    assertThat(timers.delays()).containsExactly(1000L);
    timers.advance(1000);
    assertThat(ran).containsExactly("a@0.0", "b@30.0", "c@90.0");
    assertThat(clock.now()).isEqualTo(90.0);
    assertThat(timers.delays()).isEmpty();
  }

  @Test
  void aWakeUpIsAtLeastOneMillisecondAndRoundedUp() {
    DrillClock clock = started(1000);
    at(clock, 0.0001, "soon");
    at(clock, 2.0005, "later");
    clock.pump();
    assertThat(ran).isEmpty();
    assertThat(timers.delays()).containsExactly(1L);
    timers.advance(1);
    assertThat(ran).containsExactly("soon@1.0E-4");
    // (2.0005 - 1.0) / 1000 drill seconds per ms = 1.0005 ms, rounded up
    assertThat(timers.delays()).containsExactly(2L);
  }

  @Test
  void pauseStopsDrillTimeAndResumeGoesOnFromWhereItStopped() {
    DrillClock clock = started(10);
    at(clock, 0, "a");
    at(clock, 10, "b");
    clock.pump();
    assertThat(timers.delays()).containsExactly(1000L);
    timers.advance(400);
    clock.pause();
    assertThat(clock.running()).isFalse();
    assertThat(clock.reached()).isEqualTo(4.0);
    assertThat(timers.delays()).as("no wake-up while paused").isEmpty();
    timers.advance(60_000);
    clock.pump();
    assertThat(ran).containsExactly("a@0.0");
    assertThat(clock.reached()).isEqualTo(4.0);
    clock.resume();
    clock.pump();
    // 6 drill seconds left at 10 per second
    assertThat(timers.delays()).containsExactly(600L);
    timers.advance(600);
    assertThat(ran).containsExactly("a@0.0", "b@10.0");
  }

  @Test
  void aSpeedChangeKeepsTheDrillTimeReachedAndPacesTheRestAtTheNewSpeed() {
    DrillClock clock = started(10);
    at(clock, 20, "b");
    clock.pump();
    assertThat(timers.delays()).containsExactly(2000L);
    timers.advance(1000);
    clock.setSpeed(100);
    assertThat(clock.reached()).isEqualTo(10.0);
    clock.pump();
    assertThat(clock.speed()).isEqualTo(100.0);
    assertThat(timers.delays()).containsExactly(100L);
    timers.advance(100);
    assertThat(ran).containsExactly("b@20.0");
  }

  @Test
  void aTaskInFlightHoldsBackEveryEventAfterItsDispatchTime() {
    DrillClock clock = started(100);
    clock.hold("t1", 0);
    at(clock, 0, "sample");
    at(clock, 5, "next-sample");
    clock.pump();
    assertThat(ran).as("an event at the dispatch time itself may run").containsExactly("sample@0.0");
    assertThat(timers.delays()).as("no wake-up while held back").isEmpty();
    timers.advance(10_000);
    clock.pump();
    assertThat(ran).containsExactly("sample@0.0");
    // the answer took 3 drill seconds: it runs before the sample at 5, both due long ago
    clock.release("t1");
    at(clock, 3, DrillClock.RANK_AGENT, "answer");
    clock.pump();
    assertThat(ran).containsExactly("sample@0.0", "answer@3.0", "next-sample@5.0");
  }

  @Test
  void aVirtualClockRunsEventsByCountNotByWallTime() {
    DrillClock clock = new DrillClock(wall, timers, 10);
    clock.beVirtual();
    clock.start();
    at(clock, 0, "a");
    at(clock, 50, "b");
    at(clock, 100, "c");
    clock.pump();
    assertThat(ran).as("nothing before runTo").isEmpty();
    clock.runTo(2);
    assertThat(ran).containsExactly("a@0.0", "b@50.0");
    assertThat(clock.eventsRun()).isEqualTo(2);
    assertThat(timers.delays()).as("no wall-clock wake-up while virtual").isEmpty();
    timers.advance(1_000_000);
    assertThat(ran).hasSize(2);
    clock.runTo(5);
    assertThat(ran).containsExactly("a@0.0", "b@50.0", "c@100.0");
    assertThat(clock.eventsRun()).as("only three were there").isEqualTo(3);
  }

  @Test
  void aVirtualClockHoldsEventsBackBehindATaskInFlightLikeALiveOne() {
    DrillClock clock = new DrillClock(wall, timers, 10);
    clock.beVirtual();
    clock.start();
    at(clock, 0, "dispatch");
    at(clock, 5, "sample");
    clock.runTo(1);
    clock.hold("t1", 0);
    clock.runTo(10);
    assertThat(ran).containsExactly("dispatch@0.0");
    at(clock, 3, DrillClock.RANK_AGENT, "answer");
    clock.release("t1");
    clock.pump();
    assertThat(ran).containsExactly("dispatch@0.0", "answer@3.0", "sample@5.0");
    assertThat(clock.eventsRun()).isEqualTo(3);
  }

  @Test
  void goingLiveTheWallClockPacesTheDrillFromWhereTheVirtualTimeStopped() {
    DrillClock clock = new DrillClock(wall, timers, 10);
    clock.beVirtual();
    clock.start();
    at(clock, 0, "a");
    at(clock, 50, "b");
    at(clock, 100, "c");
    clock.runTo(2);
    timers.advance(60_000);
    clock.goLive();
    clock.pump();
    assertThat(ran).as("50 drill seconds to go at 10 per wall second").containsExactly("a@0.0", "b@50.0");
    assertThat(timers.delays()).containsExactly(5000L);
    timers.advance(5000);
    assertThat(ran).containsExactly("a@0.0", "b@50.0", "c@100.0");
    assertThat(clock.eventsRun()).isEqualTo(3);
  }


  @Test
  void stopDropsEveryEventTimerAndHold() {
    DrillClock clock = started(10);
    clock.hold("t1", 0);
    at(clock, 0, "a");
    at(clock, 1, "b");
    clock.pump();
    clock.stop();
    clock.resume();
    clock.pump();
    timers.advance(10_000);
    assertThat(ran).containsExactly("a@0.0");
    assertThat(timers.delays()).isEmpty();
  }
}
