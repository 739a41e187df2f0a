package dev.opshub.it;

import dev.opshub.contract.Addresses;
import dev.opshub.it.NetworkNamespaces.Host;
import dev.opshub.it.NetworkNamespaces.Side;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real network partition that heals: five nodes from the fat jar, each in its own network namespace with its own
 * address (Hazelcast and the event bus bound to it), a router namespace between the two sides, and the cut an
 * nftables drop rule in the router, so Hazelcast and event-bus traffic are cut alike. Side A, the minority: {@code a1}
 * agents+engine (the active engine before the cut) and {@code a2} web; side B, the majority: {@code b1} engine
 * (standby), {@code b2} and {@code b3} web; quorum 3. The minority is where the engine was, so the cut forces both
 * a stand-down and a takeover, and the heal a merge of the side that ran the engine into the other.
 *
 * <p>Checks: the minority engine stands down within 15 s, the minority web node says there is no engine (ping answer,
 * {@code /health}, {@code /ready}); the majority runs exactly one engine; after the heal, within 30 s, exactly one
 * engine in the cluster with an epoch at least the greatest any client saw and above the minority's, every web node
 * answers {@code GET /api/drills} and streams live {@code ops.health} again, and the drill is there once. Timings
 * go to {@code target/it-logs/partition-timings.txt}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionIT {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionIT.class);
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration CUT_FOR = Duration.ofSeconds(35);
  private static final Duration STAND_DOWN = Duration.ofSeconds(15);
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final int HTTP_PORT = 8080;
  private static final String TOKEN = "partition-it-" + UUID.randomUUID();

  private static NetworkNamespaces network;
  private static Vertx vertx;
  private static final List<HubProcess> nodes = new ArrayList<>();
  private static final List<PageClient> clients = new ArrayList<>();

  @BeforeAll
  static void network() {
    NetworkNamespaces.assumeAvailable();
    network = NetworkNamespaces.create();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() throws Exception {
    clients.forEach(PageClient::close);
    for (HubProcess node : nodes) {
      node.kill();
    }
    if (network != null) {
      network.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theMinorityStandsDownAndAfterTheHealEveryNodeWorksWithOneEngine() throws Exception {
    Host[] hosts = {network.addNode(Side.A, 11), network.addNode(Side.A, 12), network.addNode(Side.B, 11),
        network.addNode(Side.B, 12), network.addNode(Side.B, 13)};
    String members = List.of(hosts).stream().map(h -> h.address() + ":5701").collect(Collectors.joining(","));
    String cluster = "partition-" + UUID.randomUUID().toString().substring(0, 8);
    // a1 first: the oldest member with the engine role is the active engine
    HubProcess a1 = start(hosts[0], "partition-a1", "agents,engine", cluster, members).awaitHealthy(START);
    HubProcess a2 = start(hosts[1], "partition-a2", "web", cluster, members);
    HubProcess b1 = start(hosts[2], "partition-b1", "engine", cluster, members);
    HubProcess b2 = start(hosts[3], "partition-b2", "web", cluster, members);
    HubProcess b3 = start(hosts[4], "partition-b3", "web", cluster, members);
    List<HubProcess> web = List.of(a2, b2, b3);
    await("5 members, a1's engine active").atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> allSee(5) && runsEngine(a1));
    long minorityEpoch = engine(a1).getLong("epoch");

    JsonObject drill = new JsonObject(b2.startDrill(new JsonObject().put("scenario", "database_cascade").put("seed", 42)
        .put("speed", 20).encode()));
    String drillId = drill.getString("drillId", drill.getString("id"));
    assertThat(drillId).as("started drill: %s", drill).isNotBlank();

    PageClient onA = page(a2);
    PageClient onB = page(b2);
    for (PageClient client : List.of(onA, onB)) {
      client.awaitMessage(Addresses.HEALTH, m -> PageClient.live(m) && PageClient.epoch(m) == minorityEpoch, START);
    }
    assertCrossesTheRouter(hosts[0], hosts);

    long cut = System.nanoTime();
    network.cut();
    LOG.info("cut between side A (a1, a2) and side B (b1, b2, b3)");
    double standDown = seconds(cut, awaitUp(STAND_DOWN, () -> !runsEngine(a1) && !engine(a1).getBoolean("active")));
    double minorityTold = seconds(cut, awaitUp(STAND_DOWN, () -> {
      JsonObject engine = onA.ping(Duration.ofSeconds(2)).getJsonObject("engine");
      return !engine.getBoolean("active") && "no_quorum".equals(engine.getString("reason"))
          && !health(a2).getJsonObject("quorum").getBoolean("present") && a2.get("/ready").statusCode() == 503;
    }));
    assertThat(a2.get("/api/drills").statusCode()).as("REST on the minority: 503 no_engine").isEqualTo(503);
    double takeover = seconds(cut, awaitUp(CUT_FOR, () -> runsEngine(b1)));
    long majorityEpoch = engine(b1).getLong("epoch");
    assertThat(majorityEpoch).isGreaterThan(minorityEpoch);
    assertThat(runsEngine(a1)).as("a1 still stood down").isFalse();
    onB.awaitMessage(Addresses.HEALTH, m -> PageClient.live(m) && PageClient.epoch(m) == majorityEpoch, CUT_FOR);
    assertThat(b2.get("/api/drills").statusCode()).as("the majority serves REST during the cut").isEqualTo(200);
    double drillTimeInCut = drillOn(b2, drillId).getDouble("drillTime");
    Duration left = remaining(cut, CUT_FOR);
    await("the cut lasts " + CUT_FOR).pollDelay(left).atMost(left.plusSeconds(2)).until(() -> true);
    long seenBefore = Math.max(onA.greatestEpoch(), onB.greatestEpoch());
    // the minority merges into the majority: its nodes restart their clustered Vert.x, under new node ids
    String a1Before = health(a1).getString("nodeId");
    String a2Before = health(a2).getString("nodeId");

    long heal = System.nanoTime();
    network.heal();
    LOG.info("cut healed");
    long[] active = new long[1];
    double converged = seconds(heal, awaitUp(CONVERGE, () -> {
      if (health(a1).getString("nodeId").equals(a1Before) || health(a2).getString("nodeId").equals(a2Before)) {
        return false;
      }
      List<HubProcess> engines = new ArrayList<>();
      for (HubProcess node : nodes) {
        JsonObject health = health(node);
        if (health.getJsonArray("members").size() != 5 || !health.getBoolean("ready")) {
          return false;
        }
        if (runsEngine(node)) {
          engines.add(node);
        }
      }
      if (engines.size() != 1) {
        return false;
      }
      active[0] = engine(engines.get(0)).getLong("epoch");
      for (HubProcess node : web) {
        if (node.get("/api/drills").statusCode() != 200) {
          return false;
        }
        try (PageClient client = page(node)) {
          client.awaitMessage(Addresses.HEALTH, m -> PageClient.live(m) && PageClient.epoch(m) == active[0],
              Duration.ofSeconds(4));
        }
      }
      return true;
    }));
    assertThat(active[0]).as("epoch after the heal").isGreaterThanOrEqualTo(seenBefore).isGreaterThan(minorityEpoch);
    for (HubProcess node : web) {
      JsonArray drills = listOfDrills(node);
      assertThat(drills.stream().filter(d -> drillId.equals(((JsonObject) d).getString("drillId",
          ((JsonObject) d).getString("id")))).count()).as("drill %s on %s", drillId, node.name()).isEqualTo(1);
      JsonObject after = drillOn(node, drillId);
      assertThat(after.getDouble("drillTime")).as("drill %s on %s went on, not over: %s", drillId, node.name(), after)
          .isGreaterThanOrEqualTo(drillTimeInCut);
      assertThat(after.getString("state")).as("drill %s on %s", drillId, node.name()).isNotEqualTo("interrupted");
    }
    String timings = String.format("cut -> minority engine stood down after %.1f s; minority web node said no engine "
            + "after %.1f s; majority engine active after %.1f s; heal -> converged after %.1f s (epochs: minority %d, "
            + "majority %d, after the heal %d)%n", standDown, minorityTold, takeover, converged, minorityEpoch,
        majorityEpoch, active[0]);
    LOG.info("partition timings: {}", timings.trim());
    Reliability.record("partition", "cut-35s-quorum-3-of-5", Map.of("minorityStandsDownMs", Math.round(standDown * 1000),
        "minorityToldMs", Math.round(minorityTold * 1000), "majorityActiveMs", Math.round(takeover * 1000),
        "convergedAfterHealMs", Math.round(converged * 1000)));
    Path file = Paths.get("target", "it-logs", "partition-timings.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, timings, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    assertThat(standDown).isLessThanOrEqualTo(STAND_DOWN.toSeconds());
    assertThat(converged).isLessThanOrEqualTo(CONVERGE.toSeconds());
  }

  private static HubProcess start(Host host, String name, String roles, String cluster, String members) {
    HubProcess node = HubProcess.startInNamespace(host.namespace(), host.address(), name, "--cluster", "--roles", roles,
        "--cluster-name", cluster, "--cluster-members", members, "--cluster-interface", host.address(),
        "--cluster-port", "5701", "--cluster-quorum", "3", "--http-port", Integer.toString(HTTP_PORT),
        "--operator-token", TOKEN);
    nodes.add(node);
    return node;
  }

  /**
   * Hazelcast and the event bus both bind the node's own address, and both cross the router: from a1's namespace,
   * Hazelcast connections (port 5701 at one end) and event-bus connections (other ports, not HTTP) reach side B.
   */
  private static void assertCrossesTheRouter(Host a1, Host[] hosts) {
    String sideB = hosts[2].address().substring(0, hosts[2].address().lastIndexOf('.') + 1);
    await("Hazelcast and event-bus connections from a1 to side B").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          String sockets = network.sockets(a1.namespace());
          // ss -tnp: State Recv-Q Send-Q Local:Port Peer:Port Process
          List<String[]> toB = sockets.lines().map(l -> l.trim().split("\\s+"))
              .filter(f -> f.length >= 5 && f[0].equals("ESTAB") && host(f[4]).startsWith(sideB)).toList();
          assertThat(toB).as("a1's connections to side B:%n%s", sockets)
              .anyMatch(f -> port(f[3]) == 5701 || port(f[4]) == 5701)
              .anyMatch(f -> port(f[3]) != 5701 && port(f[4]) != 5701 && port(f[3]) != HTTP_PORT);
        });
    String listening = network.listening(a1.namespace());
    List<String[]> sockets = listening.lines().filter(l -> l.contains("java")).map(l -> l.trim().split("\\s+")).toList();
    assertThat(sockets).as("a1's listening sockets:%n%s", listening).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(f -> assertThat(host(f[3])).as("bound by a1").isEqualTo(a1.address()));
  }

  /** The address of an {@code ss} column: {@code 10.1.2.3:80} or {@code [::ffff:10.1.2.3]:80}. */
  private static String host(String column) {
    String address = column.substring(0, column.lastIndexOf(':'));
    return address.replace("[::ffff:", "").replace("[", "").replace("]", "");
  }

  private static int port(String column) {
    return Integer.parseInt(column.substring(column.lastIndexOf(':') + 1));
  }

  private static PageClient page(HubProcess node) throws Exception {
    PageClient client = PageClient.connect(vertx, node.host(), HTTP_PORT);
    clients.add(client);
    client.register(Addresses.HEALTH);
    return client;
  }

  private static boolean allSee(int members) throws Exception {
    for (HubProcess node : nodes) {
      if (health(node).getJsonArray("members").size() != members) {
        return false;
      }
    }
    return true;
  }

  private static JsonObject health(HubProcess node) throws Exception {
    return new JsonObject(node.get("/health").body());
  }

  private static JsonObject engine(HubProcess node) throws Exception {
    return health(node).getJsonObject("engine");
  }

  /** True when the node's own engine is active (its {@code /health} says so). */
  private static boolean runsEngine(HubProcess node) throws Exception {
    JsonObject engine = engine(node);
    return engine != null && engine.getBoolean("active") && engine.getBoolean("local");
  }

  private static JsonArray listOfDrills(HubProcess node) throws Exception {
    HttpResponse<String> response = node.get("/api/drills");
    assertThat(response.statusCode()).as("GET /api/drills on %s", node.name()).isEqualTo(200);
    Object body = new JsonObject("{\"v\":" + response.body() + "}").getValue("v");
    return body instanceof JsonArray array ? array : ((JsonObject) body).getJsonArray("drills");
  }

  private static JsonObject drillOn(HubProcess node, String drillId) throws Exception {
    HttpResponse<String> response = node.get("/api/drills/" + drillId);
    assertThat(response.statusCode()).as("GET drill %s on %s: %s", drillId, node.name(), response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** Polls {@code condition} every 250 ms for at most {@code max}; returns when it held (System.nanoTime). */
  private static long awaitUp(Duration max, Callable<Boolean> condition) {
    await().atMost(max).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(condition);
    return System.nanoTime();
  }

  private static Duration remaining(long since, Duration total) {
    long left = total.toNanos() - (System.nanoTime() - since);
    return Duration.ofNanos(Math.max(0, left));
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }
}
