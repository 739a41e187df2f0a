package dev.opshub.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a node is started with, validated ({@link OpshubCommand} builds it from flags, environment and
 * config file).
 *
 * @param roles            roles to run, never empty
 * @param clustered        join the Hazelcast cluster
 * @param httpPort         HTTP port of the web role
 * @param host             HTTP bind address of the web role
 * @param clusterMembers   TCP-IP join members overriding cluster.xml's (empty: keep the file's)
 * @param clusterInterface interface to bind and announce overriding cluster.xml's, or null
 * @param clusterPort      first Hazelcast port overriding cluster.xml's, or null
 * @param clusterName      cluster name overriding cluster.xml's, or null
 * @param clusterConfig    Hazelcast XML file, or null for the cluster.xml bundled in the jar
 * @param operatorToken    the operator token
 * @param tokenGenerated   true when the token was generated (so it is printed)
 * @param dataDir          where the engine writes after-action reports
 * @param autoDrills       keep drills running one after another
 * @param benchRate        messages per second on ops.bench (0 = off)
 * @param benchPayload     pad bytes per bench message
 * @param bridge           bridge options for the web verticle (BridgeOptions JSON), maybe empty
 * @param allowedOrigins   origins allowed on the bridge endpoint (empty: the web verticle's default)
 * @param nodes            base URLs of web nodes dashboards may fail over to (empty: only this one)
 * @param webInstances     HTTP server instances of the web role (0 = one per available processor)
 * @param transport        network transport of the event loops
 * @param clusterQuorum    members a side of the cluster needs for its engine to act and its maps to take writes, or
 *                         null for none
 * @param drainMs          how long a stopping web node answers {@code /ready} 503 draining before it closes its
 *                         bridge clients (0: at once)
 */
public record NodeSettings(Set<Role> roles, boolean clustered, int httpPort, String host, List<String> clusterMembers,
                           String clusterInterface, Integer clusterPort, String clusterName, Path clusterConfig,
                           String operatorToken, boolean tokenGenerated, Path dataDir, boolean autoDrills,
                           int benchRate, int benchPayload, JsonObject bridge, JsonArray allowedOrigins,
                           List<String> nodes, int webInstances, NetTransport transport, Integer clusterQuorum,
                           long drainMs) {

  public NodeSettings {
    roles = Set.copyOf(roles);
    clusterMembers = List.copyOf(clusterMembers);
    nodes = List.copyOf(nodes);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** Roles as wire names in a stable order (agents, engine, web). */
  public List<String> roleNames() {
    return java.util.Arrays.stream(Role.values()).filter(roles::contains).map(Role::wireName).collect(Collectors.toList());
  }
}
