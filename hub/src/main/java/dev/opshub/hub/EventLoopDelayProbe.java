package dev.opshub.hub;

import dev.opshub.contract.MeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long the tasks of one event loop hold it: a timer due every {@link #PERIOD_MS} fires late by as much
 * as the loop was busy when it fell due, and that lateness is recorded in the timer meter
 * {@value MeterNames#EVENT_LOOP_DELAY}, tagged {@value MeterNames#TAG_LOOP} with the loop's thread.
 * {@link #deployOnEveryLoop} deploys one on each of the node's event loops.
 */
final class EventLoopDelayProbe extends VerticleBase {

  static final long PERIOD_MS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(EventLoopDelayProbe.class);
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);

  private final MeterRegistry registry;
  private volatile String loop;
  private Timer delay;
  private long dueNanos;

  EventLoopDelayProbe(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The timer meter of one loop (its buckets suit alert thresholds from milliseconds to seconds). */
  static Timer meter(MeterRegistry registry, String loop) {
    return Timer.builder(MeterNames.EVENT_LOOP_DELAY).tag(MeterNames.TAG_LOOP, loop)
        .description("How late a timer due every " + PERIOD_MS + " ms fires on this event loop")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500))
        .register(registry);
  }

  @Override
  public Future<?> start() {
    loop = Thread.currentThread().getName();
    delay = meter(registry, loop);
    arm();
    return Future.succeededFuture();
  }

  /** The event-loop thread this probe runs on (set once started). */
  String loop() {
    return loop;
  }

  private void arm() {
    dueNanos = System.nanoTime() + PERIOD_NANOS;
    vertx.setTimer(PERIOD_MS, id -> {
      delay.record(Math.max(0, System.nanoTime() - dueNanos), TimeUnit.NANOSECONDS);
      arm();
    });
  }

  /**
   * Deploys probes one at a time until each of the {@code loops} event loops has one: Vert.x hands each new
   * deployment the next loop in turn, so it takes {@code loops} deployments unless other deployments take turns
   * meanwhile; a probe that lands on a loop already measured is undeployed. Gives up after three rounds.
   *
   * @return the loops measured
   */
  static Future<List<String>> deployOnEveryLoop(Vertx vertx, int loops, MeterRegistry registry) {
    Set<String> measured = new TreeSet<>();
    return deployNext(vertx, loops, registry, measured, 3 * loops).map(v -> {
      synchronized (measured) {
        if (measured.size() < loops) {
          LOG.warn("event-loop delay measured on {} of {} event loops", measured.size(), loops);
        }
        return List.copyOf(measured);
      }
    });
  }

  private static Future<Void> deployNext(Vertx vertx, int loops, MeterRegistry registry, Set<String> measured,
                                         int triesLeft) {
    synchronized (measured) {
      if (measured.size() >= loops || triesLeft == 0) {
        return Future.succeededFuture();
      }
    }
    EventLoopDelayProbe probe = new EventLoopDelayProbe(registry);
    return vertx.deployVerticle(probe).compose(id -> {
      boolean added;
      synchronized (measured) {
        added = measured.add(probe.loop());
      }
      Future<Void> kept = added ? Future.succeededFuture() : vertx.undeploy(id);
      return kept.compose(v -> deployNext(vertx, loops, registry, measured, triesLeft - 1));
    });
  }
}
