package dev.opshub.hub;

import dev.opshub.contract.MeterNames;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventLoopDelayProbeTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private List<String> deploy(int loops) throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    return EventLoopDelayProbe.deployOnEveryLoop(vertx, loops, registry).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneProbePerEventLoopEachRecordingUnderItsLoop() throws Exception {
    List<String> loops = deploy(3);
    assertThat(loops).hasSize(3).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      for (String loop : loops) {
        assertThat(registry.get(MeterNames.EVENT_LOOP_DELAY).tag(MeterNames.TAG_LOOP, loop).timer().count())
            .as("samples of %s", loop).isGreaterThanOrEqualTo(2);
      }
    });
    assertThat(vertx.deploymentIDs()).hasSize(3);
  }

  @Test
  void aLoopHeldByATaskShowsTheDelay() throws Exception {
    String loop = deploy(1).get(0);
    Timer delay = registry.get(MeterNames.EVENT_LOOP_DELAY).tag(MeterNames.TAG_LOOP, loop).timer();
    long heldNanos = TimeUnit.MILLISECONDS.toNanos(400);
    // the only event loop runs this task for 400 ms: the probe's timer, due within 100 ms, fires at least 300 ms late
    vertx.getOrCreateContext().runOnContext(v -> {
      long until = System.nanoTime() + heldNanos;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    });
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(delay.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300));
  }
}
