package dev.opshub.web;

import dev.opshub.web.NodeReadiness.State;
import dev.opshub.web.bridge.delivery.ManualEventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

class NodeReadinessTest {

  private final ManualEventLoop loop = new ManualEventLoop();
  /** One promise per call of closeClients: the bridge telling its clients, completed by the test. */
  private final List<Promise<Void>> closes = new ArrayList<>();

  private NodeReadiness readiness(long drainMs) {
    return new NodeReadiness(loop, drainMs, () -> {
      Promise<Void> told = Promise.promise();
      closes.add(told);
      return told.future();
    });
  }

  @Test
  void notReadyUntilServing() {
    NodeReadiness readiness = readiness(3_000);
    assertThat(readiness.state()).isEqualTo(State.STARTING);
    assertThat(readiness.ready()).isFalse();
    readiness.serving();
    assertThat(readiness.state()).isEqualTo(State.READY);
    assertThat(readiness.ready()).isTrue();
  }

  @Test
  void drainSaysDrainingAndClosesTheClientsWhenThePeriodIsOverNotBefore() {
    NodeReadiness readiness = readiness(3_000);
    readiness.serving();
    Future<Void> drained = readiness.drain();
    assertThat(readiness.state()).isEqualTo(State.DRAINING);
    assertThat(readiness.ready()).isFalse();

    loop.advance(2_999, MILLISECONDS);
    assertThat(closes).as("clients still connected during the drain").isEmpty();
    assertThat(readiness.state()).isEqualTo(State.DRAINING);
    assertThat(drained.isComplete()).isFalse();

    loop.advance(1, MILLISECONDS);
    assertThat(closes).as("clients told at 3000 ms").hasSize(1);
    assertThat(readiness.state()).isEqualTo(State.STOPPED);
    assertThat(drained.isComplete()).as("done once every client was told").isFalse();
    closes.get(0).complete();
    assertThat(drained.succeeded()).isTrue();
  }

  @Test
  void withoutADrainPeriodTheClientsAreClosedAtOnce() {
    NodeReadiness readiness = readiness(0);
    readiness.serving();
    Future<Void> drained = readiness.drain();
    assertThat(closes).hasSize(1);
    assertThat(readiness.state()).isEqualTo(State.STOPPED);
    closes.get(0).complete();
    assertThat(drained.succeeded()).isTrue();
    assertThat(loop.timersArmed()).isZero();
  }

  @Test
  void aCloseCutsTheDrainShortAndItsTimerDoesNothingLater() {
    NodeReadiness readiness = readiness(3_000);
    readiness.serving();
    Future<Void> drained = readiness.drain();
    loop.advance(1_000, MILLISECONDS);
    Future<Void> closed = readiness.close();
    assertThat(closes).hasSize(1);
    closes.get(0).complete();
    assertThat(closed.succeeded()).isTrue();
    assertThat(drained.succeeded()).isTrue();

    loop.advance(10_000, MILLISECONDS);
    assertThat(closes).as("closed once").hasSize(1);
    assertThat(readiness.state()).isEqualTo(State.STOPPED);
  }

  @Test
  void drainingIsOnceAndNeverGoesBackToReady() {
    NodeReadiness readiness = readiness(3_000);
    readiness.serving();
    Future<Void> first = readiness.drain();
    loop.advance(500, MILLISECONDS);
    assertThat(readiness.drain()).isSameAs(first);
    readiness.serving();
    assertThat(readiness.state()).isEqualTo(State.DRAINING);
    loop.advance(2_500, MILLISECONDS);
    assertThat(closes).as("the second call did not restart the period").hasSize(1);
    assertThat(loop.timersArmed()).isEqualTo(1);
  }

  @Test
  void aDrainAfterTheCloseWaitsForNothingMore() {
    NodeReadiness readiness = readiness(3_000);
    readiness.serving();
    readiness.close();
    closes.get(0).complete();
    Future<Void> drained = readiness.drain();
    assertThat(drained.succeeded()).isTrue();
    assertThat(closes).hasSize(1);
    assertThat(loop.timersArmed()).isZero();
  }
}
