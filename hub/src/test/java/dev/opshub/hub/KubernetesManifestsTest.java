package dev.opshub.hub;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests in {@code deploy/k8s} as the node would take them: every {@code OPSHUB_*} variable a pod
 * gets names an option, the settings parse as this build parses them (roles, cluster by DNS through the headless
 * service, quorum above half of every pod), probes reach {@code /health} and {@code /ready} on the HTTP port, each
 * role has a disruption budget, and a web pod's grace period leaves room for its drain.
 */
class KubernetesManifestsTest {

  private static final Path DIR = Path.of("..", "deploy", "k8s");
  private static final String POD_IP = "10.1.2.3";
  private static final String NAMESPACE = "drills";

  private static final List<Map<String, Object>> DOCS = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    try (var files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (Reader reader = Files.newBufferedReader(file)) {
          for (Object doc : new Yaml().loadAll(reader)) {
            if (doc != null) {
              DOCS.add(map(doc));
            }
          }
        }
      }
    }
  }

  @Test
  void everyPodsSettingsParseAsTheNodeTakesThem() {
    Set<String> variables = new CommandLine(new OpshubCommand()).getCommandSpec().options().stream()
        .map(OptionSpec::longestName).map(n -> "OPSHUB_" + n.substring(2).replace('-', '_').toUpperCase(Locale.ROOT))
        .collect(Collectors.toSet());
    List<Map<String, Object>> workloads = workloads();
    assertThat(workloads).extracting(w -> component(w)).containsExactlyInAnyOrder("engine", "agents", "web");
    int pods = 0;
    for (Map<String, Object> workload : workloads) {
      Map<String, String> env = environment(workload);
      assertThat(env.keySet().stream().filter(k -> k.startsWith("OPSHUB_")))
          .as("variables of %s", component(workload)).allMatch(variables::contains);
      NodeSettings settings = OpshubCommand.parse(env, new JsonObject()).settings();
      assertThat(settings.roles()).extracting(r -> r.name().toLowerCase(Locale.ROOT)).containsExactly(component(workload));
      assertThat(settings.clustered()).isTrue();
      assertThat(settings.clusterInterface()).isEqualTo(POD_IP);
      assertThat(settings.clusterMembers()).containsExactly(ClusterConfig.DNS_PREFIX + headlessService() + "."
          + NAMESPACE + ".svc.cluster.local");
      assertThat(settings.tokenGenerated()).as("the operator token comes from the secret").isFalse();
      pods += ((Number) map(workload.get("spec")).get("replicas")).intValue();
    }
    int quorum = Integer.parseInt(settings().get("OPSHUB_CLUSTER_QUORUM"));
    assertThat(quorum).as("quorum of %d pods", pods).isGreaterThan(pods / 2).isLessThanOrEqualTo(pods);
  }

  @Test
  void theHeadlessServiceFindsEveryPodReadyOrNot() {
    Map<String, Object> service = find("Service", headlessService());
    Map<String, Object> spec = map(service.get("spec"));
    assertThat(spec.get("clusterIP")).isEqualTo("None");
    assertThat(spec.get("publishNotReadyAddresses")).isEqualTo(true);
    for (Map<String, Object> workload : workloads()) {
      assertThat(podLabels(workload)).containsAllEntriesOf(strings(spec.get("selector")));
    }
  }

  @Test
  void probesReachHealthAndReadyOnTheHttpPort() {
    for (Map<String, Object> workload : workloads()) {
      Map<String, Object> container = container(workload);
      int httpPort = OpshubCommand.parse(environment(workload), new JsonObject()).settings().httpPort();
      Map<String, Object> ports = new HashMap<>();
      list(container.get("ports")).forEach(p -> ports.put((String) map(p).get("name"), map(p).get("containerPort")));
      assertThat(ports.get("http")).isEqualTo(httpPort);
      assertThat(probePath(container, "livenessProbe")).isEqualTo("/health");
      assertThat(probePath(container, "startupProbe")).isEqualTo("/health");
      assertThat(probePath(container, "readinessProbe")).isEqualTo("/ready");
    }
  }

  @Test
  void everyRoleHasADisruptionBudgetAndWebPodsRoomToDrain() {
    for (Map<String, Object> workload : workloads()) {
      String role = component(workload);
      Map<String, Object> budget = find("PodDisruptionBudget", "opshub-" + role);
      assertThat(podLabels(workload)).containsAllEntriesOf(strings(map(map(budget.get("spec")).get("selector"))
          .get("matchLabels")));
    }
    Map<String, Object> web = workloads().stream().filter(w -> component(w).equals("web")).findFirst().orElseThrow();
    long drainMs = Long.parseLong(environment(web).get("OPSHUB_DRAIN_MS"));
    int grace = ((Number) podSpec(web).get("terminationGracePeriodSeconds")).intValue();
    assertThat(grace * 1000L).as("grace period beside a drain of %d ms and a stop", drainMs)
        .isGreaterThanOrEqualTo(drainMs + 10_000);
    Map<String, Object> service = map(find("Service", "opshub-web").get("spec"));
    assertThat(podLabels(web)).containsAllEntriesOf(strings(service.get("selector")));
  }

  private static List<Map<String, Object>> workloads() {
    return DOCS.stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(d.get("kind"))).toList();
  }

  private static String headlessService() {
    return DOCS.stream().filter(d -> "Service".equals(d.get("kind")))
        .filter(d -> "None".equals(map(d.get("spec")).get("clusterIP")))
        .map(d -> (String) map(d.get("metadata")).get("name")).findFirst().orElseThrow();
  }

  private static Map<String, Object> find(String kind, String name) {
    return DOCS.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(map(d.get("metadata")).get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + DIR));
  }

  private static Map<String, String> settings() {
    return strings(find("ConfigMap", "opshub-settings").get("data"));
  }

  /** What the container's environment is: the config map, then its own variables, references resolved. */
  private static Map<String, String> environment(Map<String, Object> workload) {
    Map<String, Object> container = container(workload);
    Map<String, String> env = new LinkedHashMap<>();
    for (Object from : list(container.get("envFrom"))) {
      String name = (String) map(map(from).get("configMapRef")).get("name");
      env.putAll(strings(find("ConfigMap", name).get("data")));
    }
    for (Object item : list(container.get("env"))) {
      Map<String, Object> variable = map(item);
      String name = (String) variable.get("name");
      if (variable.containsKey("value")) {
        env.put(name, ((String) variable.get("value")).replace("$(POD_IP)", POD_IP).replace("$(POD_NAMESPACE)", NAMESPACE));
      } else {
        Map<String, Object> source = map(variable.get("valueFrom"));
        if (source.containsKey("secretKeyRef")) {
          Map<String, Object> ref = map(source.get("secretKeyRef"));
          env.put(name, strings(map(find("Secret", (String) ref.get("name"))).get("stringData")).get((String) ref.get("key")));
        } else {
          env.put(name, "POD_IP".equals(name) ? POD_IP : NAMESPACE);
        }
      }
    }
    return env;
  }

  private static String probePath(Map<String, Object> container, String probe) {
    Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
    assertThat(get.get("port")).as(probe).isEqualTo("http");
    return (String) get.get("path");
  }

  private static String component(Map<String, Object> workload) {
    return podLabels(workload).get("app.kubernetes.io/component");
  }

  private static Map<String, String> podLabels(Map<String, Object> workload) {
    return strings(map(map(map(workload.get("spec")).get("template")).get("metadata")).get("labels"));
  }

  private static Map<String, Object> podSpec(Map<String, Object> workload) {
    return map(map(map(workload.get("spec")).get("template")).get("spec"));
  }

  private static Map<String, Object> container(Map<String, Object> workload) {
    List<Object> containers = list(podSpec(workload).get("containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    map(o).forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }
}
