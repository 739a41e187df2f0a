package dev.opshub.hub;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.opshub.contract.MapNames;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HazelcastConfigTest {

  @Test
  void bundledClusterXmlJoinsOnLoopbackWithoutMulticast() {
    Config config = OpshubNode.hazelcastConfig(OpshubCommand.parse(Map.of(), new JsonObject(), "--cluster").settings());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(config.getClusterName()).isEqualTo("opshub");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    // Vert.x's own maps stay configured
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(config.getMemberAttributeConfig().getAttribute(MapNames.ROLES_ATTRIBUTE))
        .isEqualTo("agents,engine,web");
  }

  @Test
  void optionsOverrideMembersInterfacePortNameAndCarryRoles() {
    NodeSettings settings = OpshubCommand.parse(Map.of("OPSHUB_CLUSTER_NAME", "drills"), new JsonObject(), "--cluster",
        "--roles", "web", "--cluster-members", "10.0.0.5,10.0.0.6:5702", "--cluster-interface", "10.0.0.4",
        "--cluster-port", "6000").settings();
    Config config = OpshubNode.hazelcastConfig(settings);
    assertThat(config.getClusterName()).isEqualTo("drills");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("10.0.0.5", "10.0.0.6:5702");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.4");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(6000);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isTrue();
    assertThat(config.getMemberAttributeConfig().getAttribute(MapNames.ROLES_ATTRIBUTE)).isEqualTo("web");
  }
}
