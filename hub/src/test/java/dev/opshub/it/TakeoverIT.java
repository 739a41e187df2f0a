package dev.opshub.it;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The active engine goes away in the middle of a drill (killed, or stopped gracefully; alone, or with the agents it
 * ran beside) and a standby takes over. What a viewer on a web node sees of the drill is the very sequence of
 * events the same seed gives without the fault (nothing twice, no state going back), the after-action report is
 * the same, and every REST request made meanwhile is answered within a second: 200, or 503 {@code no_engine} with
 * {@code Retry-After}. Real JVMs from the jar; timings go to {@code target/reliability/takeover.jsonl}.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TakeoverIT {

  private static final String SCENARIO = "database_cascade";
  private static final long SEED = 42;
  private static final int SPEED = 60;
  private static final List<String> STREAMS = List.of(Addresses.DRILLS, Addresses.INCIDENTS, Addresses.INCIDENTS_TIMELINE,
      Addresses.CONSENSUS);

  private Vertx vertx;
  private TestCluster cluster;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aKilledEngineIsReplacedWithoutAViewerNoticing() throws Exception {
    cluster = new TestCluster(4);
    HubProcess agents = cluster.start("takeover-agents", 0, "agents");
    HubProcess first = cluster.start("takeover-engine-1", 1, "engine");
    first.awaitLog("engine active, epoch=", TestCluster.START);
    HubProcess second = cluster.start("takeover-engine-2", 2, "engine");
    HubProcess web = cluster.start("takeover-web", 3, "web");
    takeover("kill", web, first, second, first::kill);
    assertThat(agents.isAlive()).isTrue();
  }

  @Test
  void aStoppedEngineHandsOverWithoutAViewerNoticing() throws Exception {
    cluster = new TestCluster(4);
    cluster.start("handover-agents", 0, "agents");
    HubProcess first = cluster.start("handover-engine-1", 1, "engine");
    first.awaitLog("engine active, epoch=", TestCluster.START);
    HubProcess second = cluster.start("handover-engine-2", 2, "engine");
    HubProcess web = cluster.start("handover-web", 3, "web");
    takeover("sigterm", web, first, second, () -> assertThat(first.stop()).as("graceful stop").isZero());
  }

  @Test
  void theEngineAndTheAgentsKilledTogetherAreReplacedByTheOtherNode() throws Exception {
    cluster = new TestCluster(3);
    HubProcess first = cluster.start("together-1", 0, "agents,engine");
    first.awaitLog("engine active, epoch=", TestCluster.START);
    HubProcess second = cluster.start("together-2", 1, "agents,engine");
    HubProcess web = cluster.start("together-web", 2, "web");
    takeover("kill-with-agents", web, first, second, first::kill);
  }

  private void takeover(String fault, HubProcess web, HubProcess first, HubProcess second, Runnable stop)
      throws Exception {
    web.awaitHealthy(TestCluster.START);
    second.awaitLog("engine standby", TestCluster.START);
    TestCluster.awaitMembers(web, countMembers(web));
    long firstEpoch = TestCluster.activeEpoch(first);
    try (ViewerClient viewer = ViewerClient.connect(vertx, web.httpPort())) {
      viewer.register(STREAMS.toArray(String[]::new));
      String reference = startDrill(web);
      JsonObject referenceReport = awaitReport(web, reference);
      String drill = startDrill(web);
      await("drill under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> progress(viewer, drill) >= 0.3);

      RestProbe probe = new RestProbe(web, "/api/drills/" + drill);
      probe.start();
      await("probe running").atMost(Duration.ofSeconds(5)).until(() -> probe.samples.size() >= 5);
      long stoppedAt = System.nanoTime();
      long stoppedAtMillis = System.currentTimeMillis();
      stop.run();
      second.awaitLog("engine active, epoch=", Duration.ofSeconds(60));
      JsonObject report = awaitReport(web, drill);
      probe.stop();

      long secondEpoch = TestCluster.activeEpoch(second);
      assertThat(secondEpoch).isGreaterThan(firstEpoch);
      long activeMs = TestCluster.activeAtMillis(second, secondEpoch) - stoppedAtMillis;
      assertThat(normalize(report, drill)).as("the report of the drill taken over").isEqualTo(normalize(referenceReport, reference));

      Map<String, List<String>> expected = events(viewer.received(), reference);
      Map<String, List<String>> seen = events(viewer.received(), drill);
      for (String address : STREAMS) {
        List<String> want = expected.getOrDefault(address, List.of());
        List<String> got = seen.getOrDefault(address, List.of());
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
          assertThat(got.get(i)).as("message %d a viewer saw on %s", i, address).isEqualTo(want.get(i));
        }
        assertThat(got).as("messages on %s", address).hasSameSizeAs(want);
      }
      assertNoRepeatAndNoRegression(viewer.received(), drill);
      probe.assertAnsweredWithinASecond();
      assertAFreshViewerSeesTheNodeGone(web, TestCluster.nodeId(first));

      long firstUpdate = firstMessageAfter(viewer.received(), drill, stoppedAt);
      Reliability.record("takeover", fault, Map.of("engineActiveMs", activeMs, "nextLiveUpdateMs", ms(firstUpdate - stoppedAt),
          "rest503", probe.count(503), "restMaxMs", probe.maxMs(), "events", seen.values().stream().mapToInt(List::size).sum()));
    }
  }

  /** A viewer that connects after the takeover: the node that went is down in its snapshot and none of its agents ok. */
  private void assertAFreshViewerSeesTheNodeGone(HubProcess web, String gone) throws Exception {
    try (ViewerClient fresh = ViewerClient.connect(vertx, web.httpPort())) {
      fresh.registerWithSnapshot(Addresses.HEALTH, Addresses.AGENTS_STATE);
      JsonObject node = await("node " + gone + " in a fresh viewer's ops.health").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100)).until(() -> latest(fresh, Addresses.HEALTH, "key").get("node:" + gone),
              n -> n != null);
      assertThat(node.getString("status")).as("node %s in %s", gone, node.encode()).isEqualTo("down");
      await("every agent in a fresh viewer's ops.agents.state").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100)).until(() -> latest(fresh, Addresses.AGENTS_STATE, "agent").size() == 5);
      for (JsonObject agent : latest(fresh, Addresses.AGENTS_STATE, "agent").values()) {
        assertThat(gone.equals(agent.getString("node")) && !"missing".equals(agent.getString("state")))
            .as("agent state %s", agent.encode()).isFalse();
      }
    }
  }

  /** The latest body per {@code field} a viewer received on {@code address}. */
  private static Map<String, JsonObject> latest(ViewerClient viewer, String address, String field) {
    Map<String, JsonObject> latest = new HashMap<>();
    for (ViewerClient.Received r : viewer.received()) {
      if (address.equals(r.address()) && r.body() != null && r.body().getString(field) != null) {
        latest.put(r.body().getString(field), r.body());
      }
    }
    return latest;
  }

  private static int countMembers(HubProcess web) {
    return web.name().startsWith("together") ? 3 : 4;
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static String startDrill(HubProcess web) {
    JsonObject body = new JsonObject().put("scenario", SCENARIO).put("seed", SEED).put("speed", SPEED);
    return new JsonObject(web.startDrill(body.encode())).getString("id");
  }

  /** The drill's after-action report once it ended (within two minutes). */
  private static JsonObject awaitReport(HubProcess web, String drill) {
    JsonObject[] report = new JsonObject[1];
    await("report of " + drill).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> {
          HttpResponse<String> r = web.get("/api/drills/" + drill + "/report");
          if (r.statusCode() != 200) {
            return false;
          }
          report[0] = new JsonObject(r.body());
          return true;
        });
    return report[0];
  }

  private static double progress(ViewerClient viewer, String drill) {
    double progress = 0;
    for (ViewerClient.Received r : viewer.received()) {
      if (Addresses.DRILLS.equals(r.address()) && drill.equals(r.body().getString("key"))) {
        progress = r.body().getDouble("progress", 0.0);
      }
    }
    return progress;
  }

  private static long firstMessageAfter(List<ViewerClient.Received> received, String drill, long nanos) {
    return received.stream().filter(r -> r.atNanos() > nanos && r.body() != null && r.body().encode().contains(drill))
        .mapToLong(ViewerClient.Received::atNanos).findFirst().orElse(Long.MAX_VALUE);
  }

  /**
   * What a viewer saw of a drill on each stream, in order, as comparable strings (ids and wall-clock fields set
   * aside). Order is compared per address: that is what the bridge keeps; two streams may interleave differently.
   */
  private static Map<String, List<String>> events(List<ViewerClient.Received> received, String drill) {
    Map<String, List<String>> events = new TreeMap<>();
    for (ViewerClient.Received r : received) {
      if ("rec".equals(r.message().getString("type")) && STREAMS.contains(r.address()) && r.body().encode().contains(drill)) {
        events.computeIfAbsent(r.address(), a -> new ArrayList<>()).add(normalize(r.body(), drill).encode());
      }
    }
    return events;
  }

  /** No timeline entry or round decision twice; a drill's time and an incident's lifecycle never go back. */
  private static void assertNoRepeatAndNoRegression(List<ViewerClient.Received> received, String drill) {
    Set<String> events = new HashSet<>();
    double drillTime = -1;
    Set<String> ids = new HashSet<>();
    for (ViewerClient.Received r : received) {
      if (!"rec".equals(r.message().getString("type")) || r.body() == null || !r.body().encode().contains(drill)) {
        continue;
      }
      String id = r.headers().getString(Headers.ID);
      assertThat(id).as("a drill's message has an id").isNotNull();
      assertThat(ids.add(id)).as("message %s seen twice", id).isTrue();
      JsonObject body = r.body();
      if (Addresses.INCIDENTS_TIMELINE.equals(r.address())) {
        assertThat(events.add("timeline " + body.getString("incidentId") + " " + body.getLong("seq")))
            .as("timeline entry %s", body.encode()).isTrue();
      } else if (Addresses.CONSENSUS.equals(r.address())) {
        assertThat(events.add("round " + body.getString("roundId") + " " + body.getString("decision")))
            .as("round %s", body.encode()).isTrue();
      } else if (Addresses.DRILLS.equals(r.address())) {
        double t = body.getDouble("drillTime");
        assertThat(t).as("drill time after %s", drillTime).isGreaterThanOrEqualTo(drillTime);
        drillTime = t;
      }
    }
  }

  /** Drill id replaced, wall-clock and node fields removed. */
  static JsonObject normalize(JsonObject body, String drill) {
    return (JsonObject) strip(new JsonObject(body.encode().replace(drill, "D")));
  }

  private static Object strip(Object o) {
    if (o instanceof JsonObject j) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : j) {
        String k = e.getKey();
        if (k.equals("ts") || k.endsWith("Ts") || k.equals("node") || k.equals("key")) {
          continue;
        }
        out.put(k, strip(e.getValue()));
      }
      return out;
    }
    if (o instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(strip(x)));
      return out;
    }
    return o;
  }

  /** GET {@code path} every 100 ms from another thread, keeping status, Retry-After and latency of each answer. */
  private static final class RestProbe {
    record Sample(int status, String retryAfter, String error, long millis) {
    }

    private final HubProcess web;
    private final String path;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "rest-probe");
      thread.setDaemon(true);
      return thread;
    });

    RestProbe(HubProcess web, String path) {
      this.web = web;
      this.path = path;
    }

    void start() {
      driver.scheduleWithFixedDelay(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sample() {
      long t0 = System.nanoTime();
      try {
        HttpResponse<String> r = web.get(path);
        JsonObject body = r.statusCode() == 200 ? null : new JsonObject(r.body());
        samples.add(new Sample(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
            body == null ? null : body.getString("error"), ms(System.nanoTime() - t0)));
      } catch (IOException | RuntimeException e) {
        samples.add(new Sample(-1, null, e.toString(), ms(System.nanoTime() - t0)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stop() throws InterruptedException {
      driver.shutdown();
      assertThat(driver.awaitTermination(10, TimeUnit.SECONDS)).as("probe stopped").isTrue();
    }

    long count(int status) {
      return samples.stream().filter(s -> s.status() == status).count();
    }

    long maxMs() {
      return samples.stream().mapToLong(Sample::millis).max().orElse(0);
    }

    void assertAnsweredWithinASecond() {
      assertThat(samples).hasSizeGreaterThan(20);
      for (Sample s : samples) {
        assertThat(s.status()).as("REST answer %s", s).isIn(200, 503);
        assertThat(s.millis()).as("REST answer %s", s).isLessThanOrEqualTo(1_000);
        if (s.status() == 503) {
          assertThat(s.error()).as("REST answer %s", s).isEqualTo("no_engine");
          assertThat(s.retryAfter()).as("REST answer %s", s).isNotNull();
        }
      }
    }
  }
}
