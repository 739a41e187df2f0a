package dev.opshub.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A node of the cluster as the engine sees it.
 *
 * @param nodeId the node's id (the cluster manager's node id)
 * @param roles  the roles it runs ({@code agents}, {@code engine}, {@code web})
 */
public record ClusterMember(String nodeId, List<String> roles) {

  public static final String ROLE_ENGINE = "engine";

  public ClusterMember {
    roles = List.copyOf(roles);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** The member as {@code /health} lists it: {@code {"nodeId","roles","self"}}. */
  public JsonObject toJson(boolean self) {
    return new JsonObject().put("nodeId", nodeId).put("roles", String.join(",", roles)).put("self", self);
  }

  /** Parses a comma list of roles; blanks are dropped. */
  public static List<String> parseRoles(String commaList) {
    if (commaList == null || commaList.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(commaList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static JsonArray toJsonArray(List<ClusterMember> members, String selfId) {
    JsonArray array = new JsonArray();
    members.forEach(m -> array.add(m.toJson(m.nodeId().equals(selfId))));
    return array;
  }
}
