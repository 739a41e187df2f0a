package dev.opshub.web.bridge;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two web nodes clustered in this JVM (vertx-hazelcast, TCP-IP join on 127.0.0.1, multicast off, random cluster
 * name): a client reads from node A, drops, and resumes on node B without gaps or duplicates.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ClusteredResumeTest {

  private static final String EVENTS = "ops.incidents.timeline";
  private static final String WARMUP = "ops.bench";
  private final List<Vertx> nodes = new ArrayList<>();

  private static Future<Vertx> clustered(String clusterName, int port, int otherPort) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port).addMember("127.0.0.1:" + otherPort);
    return Vertx.builder().withClusterManager(new HazelcastClusterManager(config)).buildClustered();
  }

  @AfterEach
  void leave() throws Exception {
    for (Vertx v : nodes) {
      await(v.close());
    }
  }

  private static List<Long> offsets(List<JsonObject> recs) {
    return recs.stream().map(r -> Long.parseLong(r.getJsonObject("headers").getString("offset"))).collect(Collectors.toList());
  }

  @Test
  void a_client_resumes_on_another_node_without_gaps_or_duplicates() throws Exception {
    String cluster = "opshub-bridge-test-" + UUID.randomUUID();
    int portA = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
    int portB = portA + 1;
    Future<Vertx> fa = clustered(cluster, portA, portB);
    Future<Vertx> fb = clustered(cluster, portB, portA);
    Vertx a = await(fa);
    nodes.add(a);
    Vertx b = await(fb);
    nodes.add(b);
    BridgeOptions options = new BridgeOptions().setStreams(List.of(EVENTS, WARMUP));
    BridgeServer nodeA = await(BridgeServer.deploy(a, new BridgeOptions(options).setNodeId("a")));
    BridgeServer nodeB = await(BridgeServer.deploy(b, new BridgeOptions(options).setNodeId("b")));

    // subscriptions travel through the cluster asynchronously: wait until node B hears what A's engine publishes
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      a.eventBus().publish(WARMUP, new JsonObject());
      return nodeB.counter("opshub.bridge.messages.in") > 0;
    });

    Streams engine = new Streams(a, EVENTS, 1_700_000_000_000L);
    SockJsClient onA = SockJsClient.open(a, nodeA.port());
    onA.register(EVENTS);
    await(engine.burst(10, null, 0));
    await(onA.waitForReceived(EVENTS, 10));
    long lastSeen = offsets(onA.received(EVENTS)).get(9);
    onA.ws.close();

    await(engine.burst(10, null, 0)); // missed while away: 11..20
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeB.counter("opshub.bridge.messages.in") >= 21);
    SockJsClient onB = SockJsClient.open(b, nodeB.port());
    onB.register(EVENTS, new JsonObject().put("epoch", "1700000000000").put("offset", Long.toString(lastSeen)));
    await(engine.burst(5, null, 0)); // live: 21..25
    await(onB.waitForReceived(EVENTS, 15));
    onB.sync();
    assertThat(lastSeen).isEqualTo(10L);
    assertThat(offsets(onB.received(EVENTS))).containsExactlyElementsOf(LongStream.rangeClosed(11, 25).boxed().toList());
    assertThat(nodeB.counter("opshub.bridge.resume.hits")).isEqualTo(1.0);
  }
}
