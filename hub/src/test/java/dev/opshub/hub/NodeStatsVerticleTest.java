package dev.opshub.hub;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class NodeStatsVerticleTest {

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  void publishesHeapCpuLoopDelayAndTheBridgeMetersOfTheNode(VertxTestContext test) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    AtomicInteger connections = new AtomicInteger(7);
    Gauge.builder(MeterNames.BRIDGE_CONNECTIONS, connections, AtomicInteger::get).strongReference(true).register(registry);
    Counter deliveries = Counter.builder(MeterNames.BRIDGE_DELIVERIES).register(registry);
    AtomicInteger received = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.INTERNAL_NODE_STATS);
    consumer.handler(m -> test.verify(() -> {
      NodeStats stats = NodeStats.fromJson(m.body());
      assertThat(stats.nodeId()).isEqualTo("n-test");
      assertThat(stats.roles()).containsExactly("web");
      assertThat(stats.connections()).isEqualTo(7);
      assertThat(stats.heapUsedBytes()).isPositive();
      assertThat(stats.heapMaxBytes()).isGreaterThanOrEqualTo(stats.heapUsedBytes());
      assertThat(stats.eventLoopDelayMs()).isGreaterThanOrEqualTo(0);
      assertThat(stats.processCpu()).isBetween(-1.0, 1.0);
      if (received.incrementAndGet() == 1) {
        // the first report has no interval behind it; the second sees these deliveries
        deliveries.increment(500);
      } else {
        assertThat(stats.deliveriesPerSec()).isGreaterThan(100);
        vertx.close().onComplete(test.succeedingThenComplete());
      }
    }));
    consumer.completion()
        .compose(v -> vertx.deployVerticle(new NodeStatsVerticle("n-test", List.of("web"), registry)))
        .onFailure(test::failNow);
  }
}
