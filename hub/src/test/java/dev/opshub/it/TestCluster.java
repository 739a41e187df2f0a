package dev.opshub.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster of real nodes on 127.0.0.1 for fault tests: a fresh cluster name, each node its own Hazelcast port, all
 * of them listed as members (so concurrent clusters on the machine never meet). {@link #close()} stops every node
 * still running.
 */
final class TestCluster implements AutoCloseable {

  static final Duration START = Duration.ofSeconds(90);
  private static final Pattern ACTIVE = Pattern.compile("engine active, epoch=(\\d+)");
  private static final Pattern NODE_ID = Pattern.compile("opshub node (\\S+) started");

  private final String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final int[] ports;
  private final List<HubProcess> nodes = new ArrayList<>();

  TestCluster(int size) {
    ports = new int[size];
    for (int i = 0; i < size; i++) {
      ports[i] = HubProcess.freePort();
    }
  }

  /** Starts member {@code index} with {@code roles} and any further arguments. */
  HubProcess start(String nodeName, int index, String roles, String... more) {
    List<String> args = new ArrayList<>(List.of("--cluster", "--roles", roles, "--cluster-name", name,
        "--cluster-port", Integer.toString(ports[index]), "--cluster-members", members(),
        "--cluster-interface", "127.0.0.1", "--host", "127.0.0.1"));
    args.addAll(List.of(more));
    HubProcess node = HubProcess.start(nodeName, args.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  private String members() {
    StringBuilder list = new StringBuilder();
    for (int port : ports) {
      list.append(list.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
    }
    return list.toString();
  }

  /** The node id a node's log gave at start. */
  static String nodeId(HubProcess node) {
    node.awaitLog("opshub node ", START);
    Matcher matcher = NODE_ID.matcher(node.logText());
    assertThat(matcher.find()).as("node id in the log of %s", node.name()).isTrue();
    return matcher.group(1);
  }

  /** The epoch a node's log last said its engine became active under. */
  static long activeEpoch(HubProcess node) {
    Matcher matcher = ACTIVE.matcher(node.logText());
    long epoch = -1;
    while (matcher.find()) {
      epoch = Long.parseLong(matcher.group(1));
    }
    assertThat(epoch).as("epoch in the log of %s", node.name()).isPositive();
    return epoch;
  }

  /**
   * When (epoch ms) {@code node}'s log said its engine became active under {@code epoch}: the time of that line
   * (the log's HH:mm:ss.SSS, this machine's clock and zone), so a measure does not include a log poll's wait.
   */
  static long activeAtMillis(HubProcess node, long epoch) {
    String marker = "engine active, epoch=" + epoch;
    String line = node.logText().lines().filter(l -> l.contains(marker)).findFirst().orElseThrow();
    LocalTime time = LocalTime.parse(line.substring(0, 12));
    ZonedDateTime at = ZonedDateTime.of(LocalDate.now(), time, ZoneId.systemDefault());
    if (at.toInstant().toEpochMilli() > System.currentTimeMillis() + 60_000) {
      at = at.minusDays(1);
    }
    return at.toInstant().toEpochMilli();
  }

  /** Waits until {@code web}'s {@code /health} lists {@code count} members. */
  static void awaitMembers(HubProcess web, int count) {
    await("cluster of " + count).atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      JsonArray members = new JsonObject(web.get("/health").body()).getJsonArray("members");
      return members.size() == count;
    });
  }

  @Override
  public void close() {
    for (HubProcess node : nodes) {
      node.stop();
    }
  }
}
