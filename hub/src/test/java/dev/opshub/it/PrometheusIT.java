package dev.opshub.it;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus scrapes a cluster of three real nodes ({@code agents,engine}, {@code engine} (one of the two
 * engines active, the other standby), {@code web}) with the shipped scrape config (its targets replaced by the test's, 1 s intervals) and the shipped
 * rules, while a drill runs and bridge clients are connected, resumed and refused a resume. Then every PromQL
 * expression of the Grafana dashboard and of the rules, each split from its threshold, returns data through the
 * HTTP API; every rule evaluates without error; and the meters agree with the cluster (one active engine with the
 * epoch its log names, three members seen and expected, every node ready, a running drill, deliveries, resume hits
 * and misses). Skipped without the {@code prometheus} binary, failed with {@code opshub.requirePrometheus=true}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PrometheusIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration DATA = Duration.ofSeconds(45);
  /** What Grafana's {@code $__rate_interval} becomes: several 1 s scrapes. */
  private static final String RATE_INTERVAL = "30s";
  private static final List<String> STREAMS = List.of(Addresses.AGENTS_STATE, Addresses.DRILLS, Addresses.INCIDENTS,
      Addresses.INCIDENTS_TIMELINE, Addresses.CONSENSUS, Addresses.METRICS_BUSINESS, Addresses.HEALTH);

  private TestCluster cluster;
  private PrometheusServer prometheus;
  private Vertx vertx;
  private final List<ViewerClient> viewers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    viewers.forEach(ViewerClient::close);
    if (prometheus != null) {
      prometheus.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyDashboardAndRuleQueryReturnsDataFromLiveNodes() throws Exception {
    Path binary = PrometheusTools.require("prometheus");
    cluster = new TestCluster(3);
    HubProcess engine = cluster.start("prometheus-agents-engine", 0, "agents,engine");
    HubProcess standby = cluster.start("prometheus-engine", 1, "engine");
    HubProcess web = cluster.start("prometheus-web", 2, "web");
    for (HubProcess node : List.of(engine, standby, web)) {
      node.awaitHealthy(START);
    }
    // both engine nodes start together: the one that joined first is active, the other stands by
    HubProcess active = await("an active engine").atMost(START).pollInterval(Duration.ofMillis(250))
        .until(() -> Stream.of(engine, standby).filter(n -> n.logText().contains("engine active, epoch=")).findFirst()
            .orElse(null), n -> n != null);
    TestCluster.awaitMembers(web, 3);
    long epoch = TestCluster.activeEpoch(active);

    Path dir = cleanDir(Paths.get("target", "prometheus-it").toAbsolutePath());
    Path config = writeConfig(dir, Map.of(engine, "agents,engine", standby, "engine", web, "web"));
    prometheus = PrometheusServer.start(binary, config, dir.resolve("data"), dir.resolve("prometheus.log"))
        .awaitReady(Duration.ofSeconds(30));

    vertx = Vertx.vertx();
    ViewerClient viewer = viewer(web);
    viewer.register(STREAMS.toArray(String[]::new));
    web.startDrill(new JsonObject().put("scenario", "database_cascade").put("seed", 42).put("speed", 10).encode());
    JsonObject seen = await("a message on " + Addresses.AGENTS_STATE).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).until(() -> viewer.received().stream()
            .filter(r -> Addresses.AGENTS_STATE.equals(r.address())).map(ViewerClient.Received::headers)
            .filter(h -> h.containsKey(Headers.OFFSET)).findFirst().orElse(null), h -> h != null);
    // a resume from a message seen (a hit) and one from an epoch the node never had (a miss: snapshot)
    viewer(web).register(Addresses.AGENTS_STATE, new JsonObject().put(Headers.EPOCH, seen.getString(Headers.EPOCH))
        .put(Headers.OFFSET, seen.getString(Headers.OFFSET)));
    viewer(web).register(Addresses.AGENTS_STATE, new JsonObject().put(Headers.EPOCH, "1").put(Headers.OFFSET, "1"));

    List<PromQlQueries.Query> queries = new ArrayList<>(PromQlQueries.dashboard(PrometheusFilesTest.dashboard(),
        RATE_INTERVAL));
    queries.addAll(PromQlQueries.rules(PrometheusFilesTest.yaml(PrometheusTools.deployFile("prometheus/rules/opshub.rules.yml"))));
    await("every dashboard and rule query returns data").atMost(DATA).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(withoutData(queries)).as("queries without data (Prometheus log %s)",
            dir.resolve("prometheus.log")).isEmpty());

    await("every rule evaluated without error").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(unhealthyRules()).isEmpty());

    await("the meters agree with the cluster").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> {
          assertThat(value("sum(up{job=\"opshub\"})")).as("targets up").isEqualTo(3);
          assertThat(value("job:opshub_engine_active:sum")).as("active engines").isEqualTo(1);
          assertThat(value("opshub_engine_active{instance=\"" + target(active) + "\"}")).as("engine node").isEqualTo(1);
          assertThat(value("min(opshub_engine_epoch)")).as("epoch known to every node").isEqualTo(epoch);
          assertThat(value("max(opshub_engine_epoch)")).as("epoch known to every node").isEqualTo(epoch);
          assertThat(value("job:opshub_cluster_members:min")).as("members seen").isEqualTo(3);
          assertThat(value("job:opshub_cluster_members:expected")).as("members expected").isEqualTo(3);
          assertThat(value("min(opshub_node_ready)")).as("every node ready").isEqualTo(1);
          assertThat(value("count(count by (instance) (opshub_eventloop_delay_seconds_count))"))
              .as("nodes measuring event-loop delay").isEqualTo(3);
          assertThat(value("sum(opshub_engine_drills{state=\"running\"})")).as("running drills").isGreaterThanOrEqualTo(1);
          assertThat(value("sum(opshub_bridge_connections)")).as("bridge connections").isEqualTo(3);
          assertThat(value("sum(opshub_bridge_deliveries_total)")).as("deliveries").isPositive();
          assertThat(value("sum(opshub_bridge_resume_hits_total)")).as("resume hits").isGreaterThanOrEqualTo(1);
          assertThat(value("sum(opshub_bridge_resume_misses_total)")).as("resume misses").isGreaterThanOrEqualTo(1);
        });
  }

  private ViewerClient viewer(HubProcess web) throws Exception {
    ViewerClient viewer = ViewerClient.connect(vertx, web.httpPort());
    viewers.add(viewer);
    return viewer;
  }

  /** Each query whose answer is empty, with where it comes from. */
  private List<String> withoutData(List<PromQlQueries.Query> queries) throws Exception {
    List<String> missing = new ArrayList<>();
    for (PromQlQueries.Query query : queries) {
      JsonObject data = prometheus.query(query.expr());
      if (data.getJsonArray("result").isEmpty()) {
        missing.add(query.source() + ": " + query.expr());
      }
    }
    return missing;
  }

  /** Each rule not evaluated yet or in error, with its error. */
  private List<String> unhealthyRules() throws Exception {
    List<String> unhealthy = new ArrayList<>();
    int rules = 0;
    for (Object g : prometheus.ruleGroups()) {
      for (Object r : ((JsonObject) g).getJsonArray("rules")) {
        JsonObject rule = (JsonObject) r;
        rules++;
        String error = rule.getString("lastError", "");
        if (!"ok".equals(rule.getString("health")) || !error.isEmpty()) {
          unhealthy.add(rule.getString("name") + ": " + rule.getString("health") + " " + error);
        }
      }
    }
    if (rules == 0) {
      unhealthy.add("no rule loaded");
    }
    return unhealthy;
  }

  /** The one value of an instant query (a vector of one sample), or NaN when the result is empty. */
  private double value(String expr) throws Exception {
    JsonArray result = prometheus.query(expr).getJsonArray("result");
    assertThat(result.size()).as("samples of %s: %s", expr, result).isLessThanOrEqualTo(1);
    return result.isEmpty() ? Double.NaN : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
  }

  private static String target(HubProcess node) {
    return "127.0.0.1:" + node.httpPort();
  }

  /**
   * The shipped scrape config with this test's nodes in its file_sd targets file (labelled with their roles, as an
   * SRE lists them), the shipped rules by absolute path, and 1 s intervals.
   */
  @SuppressWarnings("unchecked")
  private static Path writeConfig(Path dir, Map<HubProcess, String> nodes) throws IOException {
    Map<String, Object> config = PrometheusFilesTest.yaml(PrometheusTools.deployFile("prometheus/prometheus.yml"));
    Map<String, Object> global = (Map<String, Object>) config.get("global");
    global.put("scrape_interval", "1s");
    global.put("evaluation_interval", "1s");
    config.put("rule_files", List.of(PrometheusTools.deployFile("prometheus/rules/opshub.rules.yml").toString()));
    List<Map<String, Object>> targets = new ArrayList<>();
    nodes.forEach((node, roles) -> {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("targets", List.of(target(node)));
      group.put("labels", Map.of("roles", roles));
      targets.add(group);
    });
    Path targetsFile = dir.resolve("opshub-targets.yml");
    Files.writeString(targetsFile, yaml().dump(targets), StandardCharsets.UTF_8);
    List<Map<String, Object>> jobs = ((List<Map<String, Object>>) config.get("scrape_configs")).stream()
        .filter(job -> "opshub".equals(job.get("job_name"))).toList();
    assertThat(jobs).as("job opshub in the shipped scrape config").hasSize(1);
    Map<String, Object> job = jobs.get(0);
    job.put("scrape_interval", "1s");
    job.put("scrape_timeout", "1s");
    List<Map<String, Object>> fileSd = (List<Map<String, Object>>) job.get("file_sd_configs");
    assertThat(fileSd).as("file_sd_configs of job opshub").hasSize(1);
    fileSd.get(0).put("files", List.of(targetsFile.toString()));
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, yaml().dump(config), StandardCharsets.UTF_8);
    return file;
  }

  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options);
  }

  private static Path cleanDir(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
    return Files.createDirectories(dir);
  }
}
