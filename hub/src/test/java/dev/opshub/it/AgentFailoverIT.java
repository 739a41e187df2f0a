package dev.opshub.it;

import dev.opshub.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents that fail over, with real JVMs from the fat jar: two agents nodes, an engine node and a web node (random
 * cluster name, a Hazelcast port each). Only the older agents node's agents report; it is killed ({@code kill -9})
 * mid-drill: within 10 s the other node's agents are active, the killed node is published down (left the
 * cluster), and the drill ends with agent actions from the survivor. Then the survivor is killed too: with no
 * instance left, every agent is published missing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentFailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(AgentFailoverIT.class);
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration TAKEOVER = Duration.ofSeconds(10);
  private static final Set<String> AGENTS = Set.of("detection", "diagnosis", "prediction", "resolution", "communication");

  private final List<HubProcess> nodes = new ArrayList<>();
  private final String token = "it-token-" + UUID.randomUUID();
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
  void theOtherNodesAgentsTakeOverWhenTheActiveAgentsNodeIsKilledMidDrill() throws Exception {
    String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    int[] ports = {HubProcess.freePort(), HubProcess.freePort(), HubProcess.freePort(), HubProcess.freePort()};
    // the first agents node is the oldest agents member: it hosts the active agents
    HubProcess agentsA = start(cluster, ports, "failover-agents-a", 0, "agents");
    agentsA.awaitLog("agents active on this node", START);
    HubProcess engine = start(cluster, ports, "failover-agents-engine", 1, "engine");
    HubProcess agentsB = start(cluster, ports, "failover-agents-b", 2, "agents");
    HubProcess web = start(cluster, ports, "failover-agents-web", 3, "web");
    web.awaitHealthy(START);
    engine.awaitLog("engine active, epoch=", START);
    agentsB.awaitLog("agents standby on node", START);
    String a = TestCluster.nodeId(agentsA);
    String b = TestCluster.nodeId(agentsB);
    await("4 members").atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> new JsonObject(web.get("/health").body()).getJsonArray("members").size() == 4);

    Recorder page = Recorder.connect(vertx, web.httpPort(), Addresses.AGENTS_STATE, Addresses.HEALTH);
    await("every agent reporting from " + a).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> agentsOn(page.bodies(Addresses.AGENTS_STATE, 0), a).size() == AGENTS.size());
    assertThat(page.bodies(Addresses.AGENTS_STATE, 0)).as("standby agents publish nothing")
        .noneMatch(s -> b.equals(s.getString("node")));

    JsonObject drill = new JsonObject(web.startDrill(new JsonObject().put("scenario", "database_cascade").put("seed", 42)
        .put("speed", 40).encode()));
    String drillId = drill.getString("id");
    // before the incident is detected (drill time 344): every agent action of the incident comes after the kill
    await("drill time 60").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> getJson(web, "/api/drills/" + drillId).getDouble("drillTime") >= 60);

    int mark = page.size(Addresses.AGENTS_STATE);
    int healthMark = page.size(Addresses.HEALTH);
    long killed = System.nanoTime();
    agentsA.kill();
    await("every agent active on " + b).atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
        .until(() -> agentsOn(page.bodies(Addresses.AGENTS_STATE, mark), b).size() == AGENTS.size());
    long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
    JsonObject down = await("node " + a + " down").atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
        .until(() -> health(page, healthMark, "node:" + a, "down"), d -> d != null);
    long downMs = (System.nanoTime() - killed) / 1_000_000;
    assertThat(down.getString("reason")).isEqualTo("left");
    boolean missingSeen = page.bodies(Addresses.AGENTS_STATE, mark).stream().anyMatch(s -> "missing".equals(s.getString("state")));
    LOG.info("agents node killed: agents active on the other node after {} ms, node down after {} ms{}", takeoverMs,
        downMs, missingSeen ? ", agents missing in between" : "");

    await("drill " + drillId + " ended").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> !Set.of("running", "paused").contains(getJson(web, "/api/drills/" + drillId).getString("state")));
    JsonObject report = getJson(web, "/api/drills/" + drillId + "/report");
    List<String> actionNodes = report.getJsonArray("agentActions").stream()
        .map(x -> ((JsonObject) x).getString("node")).toList();
    LOG.info("drill {} ended {}, agent actions by node {}", drillId, report.getJsonObject("outcome").getString("reason"),
        actionNodes.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting())));
    assertThat(actionNodes).contains(b).doesNotContain(a);

    // the last agents node goes: nothing can answer, every agent is missing, at once
    int lastMark = page.size(Addresses.AGENTS_STATE);
    int lastHealthMark = page.size(Addresses.HEALTH);
    long lastKilled = System.nanoTime();
    agentsB.kill();
    await("every agent missing").atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
        .until(() -> page.bodies(Addresses.AGENTS_STATE, lastMark).stream()
            .filter(s -> "missing".equals(s.getString("state"))).map(s -> s.getString("agent"))
            .collect(Collectors.toSet()).equals(AGENTS));
    long missingMs = (System.nanoTime() - lastKilled) / 1_000_000;
    JsonObject agentHealth = await("agent health missing").atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
        .until(() -> health(page, lastHealthMark, "agent:diagnosis", "missing"), d -> d != null);
    assertThat(agentHealth.getString("reason")).isEqualTo("left");
    assertThat(agentHealth.getString("node")).isEqualTo(b);
    await("node " + b + " down").atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
        .until(() -> health(page, lastHealthMark, "node:" + b, "down"), d -> d != null);
    LOG.info("last agents node killed: every agent missing after {} ms", missingMs);
    Reliability.record("agent-failover", "agents-node-kill", Map.of("agentsActiveMs", takeoverMs, "nodeDownMs", downMs,
        "allMissingMs", missingMs));
    page.close();
  }

  private HubProcess start(String cluster, int[] ports, String name, int index, String roles) {
    StringBuilder members = new StringBuilder();
    for (int port : ports) {
      members.append(members.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
    }
    HubProcess node = HubProcess.start(name, "--cluster", "--roles", roles, "--cluster-name", cluster,
        "--cluster-port", Integer.toString(ports[index]), "--cluster-members", members.toString(),
        "--cluster-interface", "127.0.0.1", "--host", "127.0.0.1", "--operator-token", token);
    nodes.add(node);
    return node;
  }

  /** The agents whose latest status among {@code states} comes from {@code node}. */
  private static Set<String> agentsOn(List<JsonObject> states, String node) {
    Map<String, String> latest = new HashMap<>();
    states.forEach(s -> latest.put(s.getString("agent"), s.getString("node")));
    return latest.entrySet().stream().filter(e -> node.equals(e.getValue())).map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** The first ops.health body after {@code from} with {@code key} and {@code status}, or null. */
  private static JsonObject health(Recorder page, int from, String key, String status) {
    return page.bodies(Addresses.HEALTH, from).stream()
        .filter(h -> key.equals(h.getString("key")) && status.equals(h.getString("status")))
        .findFirst().orElse(null);
  }

  private static JsonObject getJson(HubProcess web, String path) throws Exception {
    HttpResponse<String> response = web.get(path);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** A page-like SockJS WebSocket client of the bridge that records every message it gets, per address. */
  private static final class Recorder {
    private final WebSocket socket;
    private final Map<String, List<JsonObject>> bodies = new ConcurrentHashMap<>();

    private Recorder(WebSocket socket) {
      this.socket = socket;
      socket.textMessageHandler(this::onFrame);
    }

    static Recorder connect(Vertx vertx, int port, String... addresses) throws Exception {
      String path = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/websocket";
      WebSocket socket = vertx.createWebSocketClient().connect(port, "127.0.0.1", path)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Recorder recorder = new Recorder(socket);
      for (String address : addresses) {
        recorder.bodies.put(address, new CopyOnWriteArrayList<>());
        String register = new JsonObject().put("type", "register").put("address", address).encode();
        socket.writeTextMessage(new JsonArray().add(register).encode())
            .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
      return recorder;
    }

    private void onFrame(String frame) {
      if (!frame.startsWith("a")) {
        return;
      }
      for (Object item : new JsonArray(frame.substring(1))) {
        JsonObject message = new JsonObject((String) item);
        List<JsonObject> list = "rec".equals(message.getString("type")) ? bodies.get(message.getString("address")) : null;
        if (list != null) {
          list.add(message.getJsonObject("body"));
        }
      }
    }

    int size(String address) {
      return bodies.get(address).size();
    }

    List<JsonObject> bodies(String address, int from) {
      List<JsonObject> all = new ArrayList<>(bodies.get(address));
      return all.subList(Math.min(from, all.size()), all.size());
    }

    void close() {
      socket.close();
    }
  }
}
