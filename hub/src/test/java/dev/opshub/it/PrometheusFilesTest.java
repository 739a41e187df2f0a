package dev.opshub.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Prometheus and Grafana files: {@code promtool check config}, {@code check rules} and {@code test rules}
 * (skipped without promtool, failed with {@code opshub.requirePrometheus=true}); every alert has a duration, a
 * severity, a summary and a description and is tested firing and silent; the dashboard imports (a datasource
 * variable, an {@code instance} variable, every panel on that datasource with a query). Whether every query returns
 * data on live nodes is {@link PrometheusIT}'s job.
 */
class PrometheusFilesTest {

  private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final Set<String> SEVERITIES = Set.of("warning", "critical");

  @Test
  void promtoolAcceptsTheScrapeConfigItsTargetsAndItsRules() {
    Path promtool = PrometheusTools.require("promtool");
    PrometheusTools.Run run = PrometheusTools.run(PROMTOOL_TIMEOUT, promtool.toString(), "check", "config",
        PrometheusTools.deployFile("prometheus/prometheus.yml").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("1 rule files found");
  }

  @Test
  void promtoolAcceptsTheRules() {
    Path promtool = PrometheusTools.require("promtool");
    PrometheusTools.Run run = PrometheusTools.run(PROMTOOL_TIMEOUT, promtool.toString(), "check", "rules",
        PrometheusTools.deployFile("prometheus/rules/opshub.rules.yml").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void ruleUnitTestsPass() {
    Path promtool = PrometheusTools.require("promtool");
    PrometheusTools.Run run = PrometheusTools.run(PROMTOOL_TIMEOUT, promtool.toString(), "test", "rules",
        PrometheusTools.deployFile("prometheus/rules/opshub.rules.test.yml").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasDurationSeverityAndAnnotations() throws IOException {
    List<Map<String, Object>> alerts = alerts();
    assertThat(alerts).extracting(a -> a.get("alert")).contains("OpshubNoActiveEngine",
        "OpshubClusterMembersBelowExpected", "OpshubSlowConsumerClosesRising", "OpshubEventLoopDelayHigh",
        "OpshubDeliveryLatencyHigh", "OpshubNodeNotReady");
    for (Map<String, Object> alert : alerts) {
      String name = (String) alert.get("alert");
      assertThat(alert.get("for")).as("for: of %s", name).isNotNull();
      assertThat(((Map<String, Object>) alert.get("labels")).get("severity")).as("severity of %s", name).isIn(SEVERITIES);
      Map<String, Object> annotations = (Map<String, Object>) alert.get("annotations");
      assertThat(annotations).as("annotations of %s", name).containsKeys("summary", "description");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertIsTestedFiringAndSilent() throws IOException {
    Map<String, Object> tests = yaml(PrometheusTools.deployFile("prometheus/rules/opshub.rules.test.yml"));
    Map<String, Set<String>> outcomes = new HashMap<>();
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
        List<Object> expected = (List<Object>) check.get("exp_alerts");
        outcomes.computeIfAbsent((String) check.get("alertname"), k -> new TreeSet<>())
            .add(expected == null || expected.isEmpty() ? "silent" : "firing");
      }
    }
    for (Map<String, Object> alert : alerts()) {
      assertThat(outcomes.get((String) alert.get("alert"))).as("tests of %s", alert.get("alert"))
          .containsExactly("firing", "silent");
    }
  }

  @Test
  void dashboardImportsWithADatasourceAndAnInstanceVariable() throws IOException {
    JsonObject dashboard = dashboard();
    assertThat(dashboard.getString("title")).isNotBlank();
    assertThat(dashboard.getString("uid")).isNotBlank();
    Map<String, JsonObject> variables = new HashMap<>();
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      variables.put(((JsonObject) v).getString("name"), (JsonObject) v);
    }
    assertThat(variables).containsKeys("DS_PROMETHEUS", "instance");
    assertThat(variables.get("DS_PROMETHEUS").getString("type")).isEqualTo("datasource");
    assertThat(variables.get("DS_PROMETHEUS").getString("query")).isEqualTo("prometheus");
    assertThat(variables.get("instance").getBoolean("includeAll")).isTrue();

    List<String> titles = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      if ("row".equals(panel.getString("type"))) {
        continue;
      }
      titles.add(panel.getString("title"));
      assertThat(panel.getJsonObject("datasource").getString("uid")).as(panel.getString("title"))
          .isEqualTo("${DS_PROMETHEUS}");
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as("queries of %s", panel.getString("title")).isNotEmpty();
      for (Object t : targets) {
        String expr = ((JsonObject) t).getString("expr");
        assertThat(expr).as(panel.getString("title")).isNotBlank();
        assertThat(PromQlQueries.resolveGrafana(expr, "1m")).as("variables of %s", expr).doesNotContain("$");
      }
    }
    assertThat(titles).contains("Connections", "Deliveries/s", "Messages per frame", "Queue depth", "Conflated/s",
        "Dropped/s", "Slow-consumer closes", "Resume hits and misses/s", "Delivery latency", "Event-loop delay",
        "JVM heap", "GC pause time", "Cluster members", "Active engines", "Engine epoch", "Drills");
  }

  @Test
  void queriesAreCheckedWithoutTheirThresholds() {
    assertThat(PromQlQueries.leaves("(job:opshub_engine_active:sum or on () vector(0)) < 1"))
        .containsExactly("job:opshub_engine_active:sum");
    assertThat(PromQlQueries.leaves("job:opshub_cluster_members:min < job:opshub_cluster_members:expected"))
        .containsExactly("job:opshub_cluster_members:min", "job:opshub_cluster_members:expected");
    assertThat(PromQlQueries.leaves("opshub_node_ready{job=\"opshub\",instance=~\"a|b\"} < bool 1"))
        .containsExactly("opshub_node_ready{job=\"opshub\",instance=~\"a|b\"}");
    assertThat(PromQlQueries.leaves("sum by (instance) (rate(opshub_bridge_handoff_overloads_total[1m])) / 2"))
        .containsExactly("sum by (instance) (rate(opshub_bridge_handoff_overloads_total[1m])) / 2");
    assertThat(PromQlQueries.leaves("a and on (job) b unless c")).containsExactly("a", "b", "c");
    assertThat(PromQlQueries.leaves("online_users > on (job) group_left boolean_flags"))
        .containsExactly("online_users", "boolean_flags");
  }

  @Test
  void everyRuleAndPanelGivesSomethingToQuery() throws IOException {
    List<PromQlQueries.Query> rules = PromQlQueries.rules(yaml(PrometheusTools.deployFile("prometheus/rules/opshub.rules.yml")));
    assertThat(rules).extracting(PromQlQueries.Query::source).contains("alert OpshubNoActiveEngine",
        "alert OpshubNodeNotReady", "record job:opshub_cluster_members:expected");
    assertThat(rules).extracting(PromQlQueries.Query::expr).doesNotContain("vector(0)", "1", "0.5");
    int panels = (int) dashboard().getJsonArray("panels").stream()
        .filter(p -> !"row".equals(((JsonObject) p).getString("type"))).count();
    assertThat(PromQlQueries.dashboard(dashboard(), "1m")).hasSizeGreaterThanOrEqualTo(panels);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> alerts() throws IOException {
    Map<String, Object> rules = yaml(PrometheusTools.deployFile("prometheus/rules/opshub.rules.yml"));
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        if (rule.containsKey("alert")) {
          alerts.add(rule);
        }
      }
    }
    return alerts;
  }

  static Map<String, Object> yaml(Path file) throws IOException {
    return new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
  }

  static JsonObject dashboard() throws IOException {
    return new JsonObject(Files.readString(PrometheusTools.deployFile("grafana/opshub.json"), StandardCharsets.UTF_8));
  }
}
