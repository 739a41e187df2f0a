package dev.opshub.hub;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.opshub.contract.MapNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Hazelcast config of a clustered node: the chosen cluster.xml (a file, or the copy bundled in the jar),
 * overridden by the cluster options, carrying the node's roles, and, with {@code --cluster-quorum}, the split-brain
 * protection of every opshub map ({@value #QUORUM_NAME}) enabled with that minimum.
 */
final class ClusterConfig {

  /** Name of the bundled Hazelcast config resource (the top-level cluster.xml). */
  static final String BUNDLED_CLUSTER_XML = "/cluster.xml";
  /** The split-brain protection every opshub map refers to (cluster.xml); enabled only with a quorum. */
  static final String QUORUM_NAME = "opshub-quorum";
  /** Smallest quorum Hazelcast's split-brain protection takes. */
  static final int MIN_QUORUM = 2;
  static final int MAX_QUORUM = 1_000;
  /** A cluster member given as {@code dns:NAME}: the members are every address NAME resolves to. */
  static final String DNS_PREFIX = "dns:";
  /** Names of the opshub cluster maps, as cluster.xml configures them. */
  static final String OPSHUB_MAPS = "opshub.";
  /**
   * A member counts for the quorum while it was heard from (a Hazelcast heartbeat) within this long: a side cut off
   * loses its quorum in about this time, before Hazelcast removes the silent members (max.no.heartbeat).
   */
  static final long QUORUM_TOLERANCE_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterConfig.class);

  private ClusterConfig() {
  }

  /** The Hazelcast config: the chosen XML, overridden by the cluster options. */
  static Config of(NodeSettings settings) {
    Config config = load(settings);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // nodes started at the same moment may each form a cluster before they see each other; merge them in
    // seconds rather than Hazelcast's default minutes, so two engines are not both active for long
    setIfAbsent(config, "hazelcast.merge.first.run.delay.seconds", "10");
    setIfAbsent(config, "hazelcast.merge.next.run.delay.seconds", "10");
    if (settings.clusterName() != null) {
      config.setClusterName(settings.clusterName());
    }
    NetworkConfig network = config.getNetworkConfig();
    if (settings.clusterPort() != null) {
      network.setPort(settings.clusterPort()).setPortAutoIncrement(true);
    }
    if (settings.clusterInterface() != null) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.clusterInterface()));
    }
    if (!settings.clusterMembers().isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      String first = settings.clusterMembers().get(0);
      if (first.startsWith(DNS_PREFIX)) {
        // Hazelcast's Kubernetes discovery in DNS lookup mode: the A records of a (headless) service name
        join.getTcpIpConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", first.substring(DNS_PREFIX.length()))
            .setProperty("service-port", Integer.toString(network.getPort()));
      } else {
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.clusterMembers());
      }
    }
    config.getMemberAttributeConfig().setAttribute(MapNames.ROLES_ATTRIBUTE, String.join(",", settings.roleNames()));
    if (settings.clusterQuorum() != null) {
      protect(config, settings.clusterQuorum());
    } else {
      unprotect(config);
    }
    return config;
  }

  /**
   * The address this node's Vert.x event bus binds: the cluster interface when it is one literal address (the
   * option, or the only interface of the file), so the event bus and Hazelcast use the same network; else null
   * (Vert.x then takes the address Hazelcast picked).
   */
  static String eventBusHost(NodeSettings settings, Config config) {
    if (settings.clusterInterface() != null) {
      return literal(settings.clusterInterface());
    }
    var interfaces = config.getNetworkConfig().getInterfaces();
    if (interfaces.isEnabled() && interfaces.getInterfaces().size() == 1) {
      return literal(interfaces.getInterfaces().iterator().next());
    }
    return null;
  }

  private static String literal(String address) {
    return address.contains("*") || address.contains("-") ? null : address;
  }

  /**
   * Enables the split-brain protection of every opshub map with {@code quorum} members: writes on a side that
   * hears from fewer members fail instead of diverging. Maps a custom file does not list get a wildcard entry.
   */
  private static void protect(Config config, int quorum) {
    long interval = TimeUnit.SECONDS.toMillis(seconds(config, "hazelcast.heartbeat.interval.seconds", 5));
    long maxSilence = TimeUnit.SECONDS.toMillis(seconds(config, "hazelcast.max.no.heartbeat.seconds", 60));
    // Hazelcast refuses a tolerance outside [heartbeat interval, max no-heartbeat]
    int tolerance = (int) Math.min(maxSilence, Math.max(QUORUM_TOLERANCE_MS, 3 * interval));
    SplitBrainProtectionConfig protection = SplitBrainProtectionConfig
        .newRecentlyActiveSplitBrainProtectionConfigBuilder(QUORUM_NAME, quorum, tolerance)
        .build()
        .setEnabled(true)
        .setProtectOn(SplitBrainProtectionOn.WRITE);
    config.addSplitBrainProtectionConfig(protection);
    String wildcard = OPSHUB_MAPS + "*";
    if (!config.getMapConfigs().containsKey(wildcard)) {
      config.addMapConfig(new MapConfig(wildcard));
    }
    for (MapConfig map : config.getMapConfigs().values()) {
      if (map.getName().startsWith(OPSHUB_MAPS)) {
        map.setSplitBrainProtectionName(QUORUM_NAME);
      }
    }
  }

  /** The quorum is the option's alone: a file that turns the protection on without it gets it turned off. */
  private static void unprotect(Config config) {
    SplitBrainProtectionConfig protection = config.getSplitBrainProtectionConfigs().get(QUORUM_NAME);
    if (protection != null && protection.isEnabled()) {
      LOG.warn("split-brain protection {} is on in the cluster config but no --cluster-quorum is set: turned off "
          + "(the quorum of the maps and of the engine is set by --cluster-quorum)", QUORUM_NAME);
      protection.setEnabled(false);
    }
  }

  private static long seconds(Config config, String property, long dflt) {
    String value = config.getProperty(property);
    try {
      return value == null ? dflt : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static Config load(NodeSettings settings) {
    if (settings.clusterConfig() != null) {
      try (InputStream in = Files.newInputStream(settings.clusterConfig())) {
        return new XmlConfigBuilder(in).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + settings.clusterConfig(), e);
      }
    }
    try (InputStream in = ClusterConfig.class.getResourceAsStream(BUNDLED_CLUSTER_XML)) {
      if (in == null) {
        throw new IllegalStateException("cluster.xml is not bundled in this build");
      }
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled cluster.xml", e);
    }
  }

  private static void setIfAbsent(Config config, String property, String value) {
    if (config.getProperty(property) == null) {
      config.setProperty(property, value);
    }
  }
}
