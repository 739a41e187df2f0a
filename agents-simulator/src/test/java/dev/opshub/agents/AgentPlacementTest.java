package dev.opshub.agents;

import dev.opshub.agents.AgentPlacement.Member;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The choice of the node that hosts the active agents, from member lists (oldest first). */
class AgentPlacementTest {

  private static final Member ENGINE = new Member("n-engine", List.of("engine"));
  private static final Member A = new Member("n-a", List.of("agents"));
  private static final Member B = new Member("n-b", List.of("agents", "engine"));
  private static final Member C = new Member("n-c", List.of("agents", "web"));
  private static final Member WEB = new Member("n-web", List.of("web"));

  @Test
  void theOldestMemberWithTheAgentsRoleHostsThemAndEveryMemberAgrees() {
    List<Member> members = List.of(ENGINE, A, B, WEB, C);
    assertThat(AgentPlacement.host(members)).contains("n-a");
    assertThat(members).filteredOn(m -> AgentPlacement.isActive(m.nodeId(), members)).containsExactly(A);
  }

  @Test
  void aJoinMovesNothingAndOnlyTheHostLeavingMovesTheAgents() {
    assertThat(AgentPlacement.host(List.of(ENGINE, A, B))).contains("n-a");
    // a new member is the youngest
    assertThat(AgentPlacement.host(List.of(ENGINE, A, B, C))).contains("n-a");
    // another agents member leaving moves nothing
    assertThat(AgentPlacement.host(List.of(ENGINE, A, C))).contains("n-a");
    // the host leaving hands over to the next oldest agents member
    assertThat(AgentPlacement.host(List.of(ENGINE, B, C))).contains("n-b");
    assertThat(AgentPlacement.isActive("n-b", List.of(ENGINE, B, C))).isTrue();
    assertThat(AgentPlacement.isActive("n-c", List.of(ENGINE, B, C))).isFalse();
  }

  @Test
  void noMemberWithTheRoleMeansNoActiveAgents() {
    assertThat(AgentPlacement.host(List.of(ENGINE, WEB))).isEmpty();
    assertThat(AgentPlacement.host(List.of())).isEmpty();
    assertThat(AgentPlacement.isActive("n-a", List.of())).isFalse();
  }

  @Test
  void readsTheMemberListOfTheNodeLocalMap() {
    // the form the hub's membership keeper writes: roles as a comma list, plus flags the placement ignores
    String json = new JsonArray()
        .add(new JsonObject().put("nodeId", "n-engine").put("roles", "engine").put("self", false).put("activeEngine", true))
        .add(new JsonObject().put("nodeId", "n-c").put("roles", "agents, web").put("self", true).put("activeEngine", false))
        .encode();
    List<Member> members = AgentPlacement.parse(json);
    assertThat(members).containsExactly(ENGINE, C);
    assertThat(AgentPlacement.host(members)).contains("n-c");
    assertThatThrownBy(() -> AgentPlacement.parse("{\"nodeId\":1}")).isInstanceOf(RuntimeException.class);
  }
}
