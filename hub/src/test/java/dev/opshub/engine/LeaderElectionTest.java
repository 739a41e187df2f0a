package dev.opshub.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

class LeaderElectionTest {

  private static final ClusterMember WEB = new ClusterMember("w1", List.of("web"));
  private static final ClusterMember ENGINE_A = new ClusterMember("a", List.of("agents", "engine"));
  private static final ClusterMember ENGINE_B = new ClusterMember("b", List.of("engine"));

  @Test
  void oldestMemberWithEngineRoleLeads() {
    List<ClusterMember> members = List.of(WEB, ENGINE_A, ENGINE_B);
    assertThat(LeaderElection.leader(members)).contains("a");
    assertThat(LeaderElection.isLeader("a", members)).isTrue();
    assertThat(LeaderElection.isLeader("b", members)).isFalse();
    assertThat(LeaderElection.isLeader("w1", members)).isFalse();
  }

  @Test
  void standbyTakesOverWhenLeaderLeavesAndKeepsItWhenOthersJoin() {
    assertThat(LeaderElection.leader(List.of(WEB, ENGINE_B))).contains("b");
    ClusterMember lateEngine = new ClusterMember("c", List.of("engine"));
    assertThat(LeaderElection.leader(List.of(WEB, ENGINE_B, lateEngine))).contains("b");
  }

  @Test
  void anEngineThatHandedOverIsLeftOutWhileItIsStillAMember() {
    List<ClusterMember> members = List.of(WEB, ENGINE_A, ENGINE_B);
    assertThat(LeaderElection.leader(members, Set.of("a"))).contains("b");
    assertThat(LeaderElection.leader(members, Set.of("a", "b"))).isEmpty();
    assertThat(LeaderElection.leader(members, Set.of())).contains("a");
  }

  @Test
  void noEngineRoleMeansNoLeader() {
    assertThat(LeaderElection.leader(List.of(WEB))).isEmpty();
    assertThat(LeaderElection.leader(List.of())).isEmpty();
    assertThat(LeaderElection.isLeader("w1", List.of(WEB))).isFalse();
  }

  @Test
  void nextEpochIsNowButStrictlyAboveAnySeen() {
    assertThat(LeaderElection.nextEpoch(1_000, 0)).isEqualTo(1_000);
    assertThat(LeaderElection.nextEpoch(1_000, 1_000)).isEqualTo(1_001);
    assertThat(LeaderElection.nextEpoch(1_000, 5_000)).isEqualTo(5_001);
  }

  @Test
  void rolesParseFromCommaList() {
    assertThat(ClusterMember.parseRoles(" agents, engine ,,")).containsExactly("agents", "engine");
    assertThat(ClusterMember.parseRoles(null)).isEmpty();
  }
}
