package dev.opshub.web.bridge;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The meters the hub and /metrics read, as Prometheus renders them. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BridgeMetricsTest {

  @Test
  void deliveries_frames_latency_and_connections_are_measured(Vertx vertx) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BridgeServer node = await(BridgeServer.deploy(vertx, new BridgeOptions().setStreams(List.of("ops.consensus")), registry));
    SockJsClient a = SockJsClient.open(vertx, node.port());
    SockJsClient b = SockJsClient.open(vertx, node.port());
    a.register("ops.consensus");
    b.register("ops.consensus");
    await(new Streams(vertx, "ops.consensus", 1).burst(20, null, 0));
    await(a.waitForReceived("ops.consensus", 20));
    await(b.waitForReceived("ops.consensus", 20));
    assertThat(registry.get("opshub.bridge.connections").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get("opshub.bridge.deliveries").counter().count()).isGreaterThanOrEqualTo(40.0);
    assertThat(registry.get("opshub.bridge.messages.in").counter().count()).isEqualTo(20.0);
    // one latency sample per frame carrying published messages (its oldest one); pong frames carry none
    long frames = (long) registry.get("opshub.bridge.frames").counter().count();
    assertThat(registry.get("opshub.bridge.delivery.latency").timer().count()).isBetween(40L / 10, frames);
    assertThat(registry.get("opshub.bridge.queue.depth").gauge().value()).isZero();
    String scrape = registry.scrape();
    assertThat(scrape).contains("opshub_bridge_connections 2.0", "opshub_bridge_deliveries_total",
        "opshub_bridge_subscriptions{address=\"ops.consensus\"} 2.0", "opshub_bridge_frame_messages_count",
        "opshub_bridge_delivery_latency_seconds_bucket");
  }
}
