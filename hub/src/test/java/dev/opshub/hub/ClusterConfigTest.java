package dev.opshub.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.opshub.contract.MapNames;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The quorum and the merge policies of the opshub maps, as cluster.xml and {@code --cluster-quorum} set them. */
class ClusterConfigTest {

  private static final List<String> OPSHUB_MAPS = List.of(MapNames.ENGINE, MapNames.INCIDENTS, MapNames.DRILLS,
      MapNames.JOURNAL, MapNames.OUTCOMES, MapNames.KNOWN_NODES);

  @Test
  void everyOpshubMapHasAMergePolicyChosenOnPurposeAndTwoBackups() {
    Config config = ClusterConfig.of(settings("--cluster"));
    for (String name : OPSHUB_MAPS) {
      MapConfig map = config.getMapConfig(name);
      assertThat(map.getBackupCount()).as(name).isEqualTo(2);
      assertThat(map.getSplitBrainProtectionName()).as(name).isEqualTo(ClusterConfig.QUORUM_NAME);
    }
    assertThat(policy(config, MapNames.ENGINE)).isEqualTo(GreatestEpochMergePolicy.class.getName());
    assertThat(policy(config, MapNames.JOURNAL)).isEqualTo(DiscardMergePolicy.class.getName());
    assertThat(policy(config, MapNames.DRILLS)).isEqualTo(DiscardMergePolicy.class.getName());
    assertThat(policy(config, MapNames.INCIDENTS)).isEqualTo(DiscardMergePolicy.class.getName());
    assertThat(policy(config, MapNames.OUTCOMES)).isEqualTo(DiscardMergePolicy.class.getName());
    assertThat(policy(config, MapNames.KNOWN_NODES)).isEqualTo(PutIfAbsentMergePolicy.class.getName());
    assertThat(policy(config, "opshub.anything.new")).isEqualTo(DiscardMergePolicy.class.getName());
    // Vert.x's own maps keep what vertx-hazelcast needs
    assertThat(config.getMapConfig("__vertx.nodeInfo").getSplitBrainProtectionName()).isNull();
  }

  @Test
  void aDnsMemberFindsTheMembersByTheAddressesOfThatName() {
    Config config = ClusterConfig.of(settings("--cluster", "--cluster-port", "5801", "--cluster-members",
        "dns:opshub-cluster.drills.svc.cluster.local"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("opshub-cluster.drills.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5801");
  }

  @Test
  void withoutAQuorumTheProtectionStaysOff() {
    Config config = ClusterConfig.of(settings("--cluster"));
    assertThat(config.getSplitBrainProtectionConfig(ClusterConfig.QUORUM_NAME).isEnabled()).isFalse();
  }

  @Test
  void aQuorumProtectsWritesOfEveryOpshubMapCountingMembersHeardFromLately() {
    Config config = ClusterConfig.of(settings("--cluster", "--cluster-quorum", "3"));
    SplitBrainProtectionConfig protection = config.getSplitBrainProtectionConfig(ClusterConfig.QUORUM_NAME);
    assertThat(protection.isEnabled()).isTrue();
    assertThat(protection.getMinimumClusterSize()).isEqualTo(3);
    assertThat(protection.getProtectOn()).isEqualTo(SplitBrainProtectionOn.WRITE);
    assertThat(protection.getFunctionImplementation().getClass().getSimpleName())
        .isEqualTo("RecentlyActiveSplitBrainProtectionFunction");
  }

  @Test
  void aMemberAloneUnderAQuorumOfTwoRefusesWritesAndSaysSo() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Config config = ClusterConfig.of(settings("--cluster", "--cluster-quorum", "2", "--cluster-name",
        "cfg-" + UUID.randomUUID(), "--cluster-port", Integer.toString(port), "--cluster-members", "127.0.0.1:" + port));
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    try {
      // every opshub map starts with its merge policy (Hazelcast checks the policy when the map is first used)
      OPSHUB_MAPS.forEach(name -> assertThat(member.getMap(name).get("absent")).isNull());
      HazelcastQuorum quorum = new HazelcastQuorum(member, 2);
      assertThat(quorum.required()).isEqualTo(2);
      assertThat(quorum.present()).isFalse();
      IMap<String, Long> epochs = member.getMap(MapNames.ENGINE);
      assertThatThrownBy(() -> epochs.put(MapNames.EPOCH_KEY, 1L)).isInstanceOf(SplitBrainProtectionException.class);
      // reads are not refused (a minority's standby may still look)
      assertThat(epochs.get(MapNames.EPOCH_KEY)).isNull();
    } finally {
      member.shutdown();
    }
  }

  private static String policy(Config config, String map) {
    return config.getMapConfig(map).getMergePolicyConfig().getPolicy();
  }

  private static NodeSettings settings(String... args) {
    return OpshubCommand.parse(Map.of(), new JsonObject(), args).settings();
  }
}
