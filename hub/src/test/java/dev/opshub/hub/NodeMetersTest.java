package dev.opshub.hub;

import dev.opshub.contract.EngineStatus;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeLocalMap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class NodeMetersTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private LocalMap<String, String> register(Vertx vertx) {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    NodeMeters.register(registry, new LocalMembership("n-1", List.of("engine")), node);
    return node;
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double drills(String state) {
    return registry.get(MeterNames.ENGINE_DRILLS).tag(MeterNames.TAG_STATE, state).gauge().value();
  }

  @Test
  void aNodeThatKnowsNothingYetSaysNoEngineAndNoDrills(Vertx vertx) {
    register(vertx);
    assertThat(gauge(MeterNames.CLUSTER_MEMBERS)).isEqualTo(1);
    assertThat(gauge(MeterNames.ENGINE_ACTIVE)).isZero();
    assertThat(gauge(MeterNames.ENGINE_EPOCH)).isZero();
    assertThat(drills("running")).isZero();
    assertThat(drills("paused")).isZero();
  }

  @Test
  void theActiveEngineNodeCountsItsDrillsAndKnowsItsEpoch(Vertx vertx) {
    LocalMap<String, String> node = register(vertx);
    node.put(NodeLocalMap.ENGINE_LOCAL_ACTIVE, "true");
    node.put(NodeLocalMap.ENGINE_STATUS, EngineStatus.active(1_733_000_000_123L, "n-1", true).toJson().encode());
    node.put(NodeLocalMap.DRILLS_RUNNING, "2");
    node.put(NodeLocalMap.DRILLS_PAUSED, "1");
    assertThat(gauge(MeterNames.ENGINE_ACTIVE)).isEqualTo(1);
    assertThat(gauge(MeterNames.ENGINE_EPOCH)).isEqualTo(1_733_000_000_123d);
    assertThat(drills("running")).isEqualTo(2);
    assertThat(drills("paused")).isEqualTo(1);
    assertThat(registry.scrape()).contains("opshub_engine_drills{state=\"running\"} 2.0", "opshub_engine_active 1.0");
  }

  @Test
  void anEngineThatStoodDownCountsNoDrillsWhileTheEpochItHearsOfStays(Vertx vertx) {
    LocalMap<String, String> node = register(vertx);
    node.put(NodeLocalMap.ENGINE_LOCAL_ACTIVE, "false");
    node.put(NodeLocalMap.DRILLS_RUNNING, "2");
    node.put(NodeLocalMap.ENGINE_STATUS, EngineStatus.active(42, "n-2", false).toJson().encode());
    assertThat(gauge(MeterNames.ENGINE_ACTIVE)).isZero();
    assertThat(drills("running")).isZero();
    assertThat(gauge(MeterNames.ENGINE_EPOCH)).isEqualTo(42);
    node.put(NodeLocalMap.ENGINE_STATUS, EngineStatus.none(EngineStatus.Reason.NO_QUORUM).toJson().encode());
    assertThat(gauge(MeterNames.ENGINE_EPOCH)).isZero();
  }

  @Test
  void unreadableValuesCountAsNothing(Vertx vertx) {
    LocalMap<String, String> node = register(vertx);
    node.put(NodeLocalMap.ENGINE_LOCAL_ACTIVE, "true");
    node.put(NodeLocalMap.DRILLS_RUNNING, "many");
    node.put(NodeLocalMap.ENGINE_STATUS, "{not json");
    assertThat(drills("running")).isZero();
    assertThat(gauge(MeterNames.ENGINE_EPOCH)).isZero();
  }
}
