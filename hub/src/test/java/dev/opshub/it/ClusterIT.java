package dev.opshub.it;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real JVMs from the fat jar forming a cluster on 127.0.0.1 with a random cluster name: agent state published by
 * the engine on one node reaches a SockJS client of a web-only node, with its epoch and offset; a killed engine
 * is replaced by the standby with a greater epoch. Each node gets its own Hazelcast port, all of them listed as
 * members, so concurrent clusters on the machine never interfere.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Pattern ACTIVE = Pattern.compile("engine active, epoch=(\\d+)");

  private final List<HubProcess> nodes = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (HubProcess node : nodes) {
      node.stop();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void agentStateFromTheEngineNodeReachesABrowserOfTheWebNode() throws Exception {
    Cluster cluster = new Cluster(2);
    HubProcess engine = start(cluster, "cluster-engine", 0, "agents,engine");
    HubProcess web = start(cluster, "cluster-web", 1, "web");
    web.awaitHealthy(START);
    engine.awaitLog("engine active, epoch=", START);
    long epoch = activeEpoch(engine);

    JsonArray members = awaitMembers(web, 2);
    assertThat(members.stream().map(m -> ((JsonObject) m).getString("roles"))).containsExactlyInAnyOrder("agents,engine", "web");
    String metrics = web.get("/metrics").body();
    assertThat(metrics).contains("opshub_cluster_members 2.0", "jvm_memory_used_bytes", "vertx_eventbus_handlers",
        "opshub_bridge_connections");

    SockJsClient client = SockJsClient.connect(vertx, web.httpPort());
    client.register(Addresses.AGENTS_STATE);
    JsonObject rec = client.awaitMessage(Addresses.AGENTS_STATE, Duration.ofSeconds(30));
    JsonObject headers = rec.getJsonObject("headers");
    assertThat(headers.getString(Headers.EPOCH)).isEqualTo(Long.toString(epoch));
    assertThat(Long.parseLong(headers.getString(Headers.OFFSET))).isPositive();
    JsonObject body = rec.getJsonObject("body");
    assertThat(body.getString("key")).isIn("detection", "diagnosis", "prediction", "resolution", "communication");
    assertThat(body.getString("state")).isNotBlank();
    assertThat(body.getLong("ts")).isPositive();
    // the next message on the same address is the next offset
    JsonObject next = client.awaitMessage(Addresses.AGENTS_STATE, Duration.ofSeconds(30));
    assertThat(Long.parseLong(next.getJsonObject("headers").getString(Headers.OFFSET)))
        .isEqualTo(Long.parseLong(headers.getString(Headers.OFFSET)) + 1);

    // the engine republishes every node's figures on ops.health: the web node counts this very connection
    String webNodeId = new JsonObject(web.get("/health").body()).getString("nodeId");
    client.register(Addresses.HEALTH);
    JsonObject webHealth = awaitHealth(client, "node:" + webNodeId);
    assertThat(webHealth.getLong("connections")).isGreaterThanOrEqualTo(1);
    assertThat(webHealth.getLong("heapUsedBytes")).isPositive();
    assertThat(webHealth.getString("status")).isEqualTo("up");
    JsonObject agentHealth = awaitHealth(client, "agent:detection");
    assertThat(agentHealth.getString("status")).isIn("ok", "degraded", "failed");
    client.close();

    assertThat(web.stop()).as("web node exit code").isZero();
    assertThat(web.logText()).contains("stopped cleanly");
    assertThat(engine.stop()).as("engine node exit code").isZero();
    assertThat(engine.logText()).contains("stopped cleanly");
  }

  @Test
  void standbyEngineTakesOverWithAGreaterEpochWhenTheActiveOneIsKilled() throws Exception {
    Cluster cluster = new Cluster(3);
    HubProcess first = start(cluster, "failover-engine-1", 0, "engine");
    first.awaitLog("engine active, epoch=", START);
    HubProcess second = start(cluster, "failover-engine-2", 1, "engine");
    HubProcess web = start(cluster, "failover-web", 2, "web");
    web.awaitHealthy(START);
    second.awaitLog("engine standby", START);
    awaitMembers(web, 3);
    long firstEpoch = activeEpoch(first);

    SockJsClient client = SockJsClient.connect(vertx, web.httpPort());
    client.register(Addresses.HEALTH);
    JsonObject before = client.awaitMessage(Addresses.HEALTH, Duration.ofSeconds(30));
    assertThat(before.getJsonObject("headers").getString(Headers.EPOCH)).isEqualTo(Long.toString(firstEpoch));

    first.kill();
    second.awaitLog("engine active, epoch=", Duration.ofSeconds(60));
    long secondEpoch = activeEpoch(second);
    assertThat(secondEpoch).isGreaterThan(firstEpoch);
    // the same connection keeps receiving ops.health, now under the new epoch
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String seen = null;
    while (!Long.toString(secondEpoch).equals(seen) && System.nanoTime() < deadline) {
      seen = client.awaitMessage(Addresses.HEALTH, Duration.ofSeconds(60)).getJsonObject("headers").getString(Headers.EPOCH);
    }
    assertThat(seen).isEqualTo(Long.toString(secondEpoch));
    client.close();
  }

  /** Hazelcast ports for {@code size} nodes, each listed as a member, and a fresh cluster name. */
  private record Cluster(String name, int[] ports) {
    Cluster(int size) {
      this("it-" + UUID.randomUUID().toString().substring(0, 8), freePorts(size));
    }

    String members() {
      StringBuilder list = new StringBuilder();
      for (int port : ports) {
        list.append(list.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
      }
      return list.toString();
    }

    private static int[] freePorts(int size) {
      int[] ports = new int[size];
      for (int i = 0; i < size; i++) {
        ports[i] = HubProcess.freePort();
      }
      return ports;
    }
  }

  private HubProcess start(Cluster cluster, String name, int index, String roles) {
    HubProcess node = HubProcess.start(name, "--cluster", "--roles", roles, "--cluster-name", cluster.name(),
        "--cluster-port", Integer.toString(cluster.ports()[index]), "--cluster-members", cluster.members(),
        "--cluster-interface", "127.0.0.1", "--host", "127.0.0.1");
    nodes.add(node);
    return node;
  }

  private static long activeEpoch(HubProcess node) {
    Matcher matcher = ACTIVE.matcher(node.logText());
    long epoch = -1;
    while (matcher.find()) {
      epoch = Long.parseLong(matcher.group(1));
    }
    assertThat(epoch).as("epoch in the log of %s", node.name()).isPositive();
    return epoch;
  }

  /** The body of the next ops.health entry with {@code key} (others are skipped), within 30 s. */
  private static JsonObject awaitHealth(SockJsClient client, String key) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject body = client.awaitMessage(Addresses.HEALTH, Duration.ofSeconds(30)).getJsonObject("body");
      if (key.equals(body.getString("key"))) {
        return body;
      }
    }
    throw new AssertionError("no ops.health entry " + key);
  }

  private static JsonArray awaitMembers(HubProcess web, int count) {
    JsonArray[] members = new JsonArray[1];
    await("cluster of " + count).atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      JsonObject health = new JsonObject(web.get("/health").body());
      members[0] = health.getJsonArray("members");
      return members[0].size() == count;
    });
    return members[0];
  }

  /** A SockJS WebSocket client speaking the event-bus bridge protocol, as a browser's client does. */
  static final class SockJsClient {
    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>(10_000);

    private SockJsClient(WebSocket socket) {
      this.socket = socket;
      socket.textMessageHandler(this::onFrame);
    }

    static SockJsClient connect(Vertx vertx, int port) throws Exception {
      WebSocketClient client = vertx.createWebSocketClient();
      String path = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/websocket";
      WebSocket socket = client.connect(port, "127.0.0.1", path).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return new SockJsClient(socket);
    }

    private void onFrame(String frame) {
      if (frame.startsWith("a")) {
        for (Object message : new JsonArray(frame.substring(1))) {
          received.offer(new JsonObject((String) message));
        }
      }
    }

    void register(String address) throws Exception {
      send(new JsonObject().put("type", "register").put("address", address));
    }

    void send(JsonObject message) throws Exception {
      socket.writeTextMessage(new JsonArray().add(message.encode()).encode()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The next {@code rec} on {@code address}; fails on an {@code err} frame or after {@code timeout}. */
    JsonObject awaitMessage(String address, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        JsonObject message = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (message == null) {
          throw new AssertionError("no message on " + address + " within " + timeout);
        }
        if ("err".equals(message.getString("type"))) {
          throw new AssertionError("bridge error: " + message.encode());
        }
        if ("rec".equals(message.getString("type")) && address.equals(message.getString("address"))) {
          return message;
        }
      }
    }

    void close() {
      socket.close();
    }
  }
}
