package dev.opshub.agents;

import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which node runs the active instance of the agents when several nodes have the agents role: the oldest cluster
 * member with that role hosts all five; the instances on the other members are standby. Every member computes
 * it alike from the member list the hub keeps (oldest first, the order the cluster agrees on), as the engine's
 * leader election does. A joining member is the youngest, so the agents move only when their host leaves; a
 * spread over the members (agent i on member i mod n) would move agents on every join, mid-drill, for nothing,
 * since an agent's work (a pure function of its task) is tiny.
 */
public final class AgentPlacement {

  /** The role that runs agents. */
  public static final String ROLE_AGENTS = "agents";

  /** A cluster member as the placement sees it. */
  public record Member(String nodeId, List<String> roles) {
    public Member {
      roles = List.copyOf(roles);
    }
  }

  private AgentPlacement() {
  }

  /** The node hosting the active agents among {@code membersOldestFirst}, empty when no member has the role. */
  public static Optional<String> host(List<Member> membersOldestFirst) {
    return membersOldestFirst.stream()
        .filter(m -> m.roles().contains(ROLE_AGENTS))
        .map(Member::nodeId)
        .findFirst();
  }

  /** True when the agents of node {@code nodeId} are the active ones among {@code membersOldestFirst}. */
  public static boolean isActive(String nodeId, List<Member> membersOldestFirst) {
    return host(membersOldestFirst).map(nodeId::equals).orElse(false);
  }

  /**
   * The members in the node-local map's form ({@link NodeLocalMap#MEMBERS}: a JSON array of
   * {@code {"nodeId","roles":"a,b"}}, oldest first).
   *
   * @throws RuntimeException when {@code json} is not such an array
   */
  public static List<Member> parse(String json) {
    List<Member> members = new ArrayList<>();
    for (Object item : new JsonArray(json)) {
      JsonObject member = (JsonObject) item;
      String roles = member.getString("roles", "");
      members.add(new Member(member.getString("nodeId"),
          Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList()));
    }
    return members;
  }

  /**
   * Whether node {@code nodeId}'s agents are active, from the member list in {@code vertx}'s node-local map. A node
   * without that list (no membership keeper: an embedded engine, a test) is alone, hence active.
   *
   * @throws RuntimeException when the list in the map is malformed
   */
  static boolean activeHere(Vertx vertx, String nodeId) {
    String members = vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).get(NodeLocalMap.MEMBERS);
    return members == null || isActive(nodeId, parse(members));
  }

  /** The host named by {@code vertx}'s node-local map, empty when none or no list (for logs). */
  static Optional<String> hostHere(Vertx vertx) {
    String members = vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).get(NodeLocalMap.MEMBERS);
    return members == null ? Optional.empty() : host(parse(members));
  }
}
