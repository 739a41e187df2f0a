package dev.opshub.hub;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.engine.ClusterMember;
import dev.opshub.engine.LeaderElection;
import dev.opshub.engine.Membership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.shareddata.LocalMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Keeps the node-local map {@link NodeLocalMap} up to date with this node's identity, the cluster's members
 * (on every join/leave and every {@link #REFRESH_MS}) and where the active engine runs, and tells the engine
 * (local event {@link Addresses#LOCAL_MEMBERSHIP_CHANGED}) when the member list changed.
 */
final class MembershipVerticle extends VerticleBase {

  static final long REFRESH_MS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(MembershipVerticle.class);

  private final Membership membership;
  private final List<String> roles;
  private final boolean clustered;
  private List<ClusterMember> last = List.of();
  private volatile boolean running;

  MembershipVerticle(Membership membership, List<String> roles, boolean clustered) {
    this.membership = membership;
    this.roles = List.copyOf(roles);
    this.clustered = clustered;
  }

  @Override
  public Future<?> start() {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    node.put(NodeLocalMap.NODE_ID, membership.selfId());
    node.put(NodeLocalMap.ROLES, String.join(",", roles));
    node.put(NodeLocalMap.CLUSTERED, Boolean.toString(clustered));
    node.putIfAbsent(NodeLocalMap.ENGINE_LOCAL_ACTIVE, "false");
    running = true;
    membership.onChange(() -> {
      if (running) {
        context.runOnContext(v -> refresh());
      }
    });
    vertx.setPeriodic(REFRESH_MS, id -> refresh());
    Future<Void> engine = vertx.eventBus().<Object>localConsumer(Addresses.LOCAL_ENGINE_CHANGED, m -> refresh()).completion();
    refresh();
    return engine;
  }

  @Override
  public Future<?> stop() {
    running = false;
    return Future.succeededFuture();
  }

  private void refresh() {
    List<ClusterMember> members = membership.members();
    String self = membership.selfId();
    Optional<String> leader = LeaderElection.leader(members);
    JsonArray json = new JsonArray();
    for (ClusterMember member : members) {
      json.add(member.toJson(member.nodeId().equals(self)).put("activeEngine", leader.map(member.nodeId()::equals).orElse(false)));
    }
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    boolean localActive = Boolean.parseBoolean(node.get(NodeLocalMap.ENGINE_LOCAL_ACTIVE));
    boolean engineActive = leader.isPresent() && (!leader.get().equals(self) || localActive);
    node.put(NodeLocalMap.MEMBERS, json.encode());
    node.put(NodeLocalMap.ENGINE_NODE, leader.orElse(""));
    node.put(NodeLocalMap.ENGINE_ACTIVE, Boolean.toString(engineActive));
    if (!members.equals(last)) {
      last = members;
      if (clustered) {
        LOG.info("cluster members ({}): {}", members.size(), describe(members, self));
      }
      vertx.eventBus().publish(Addresses.LOCAL_MEMBERSHIP_CHANGED, members.size(), new DeliveryOptions().setLocalOnly(true));
    }
  }

  private static String describe(List<ClusterMember> members, String self) {
    StringBuilder text = new StringBuilder();
    for (ClusterMember member : members) {
      if (!text.isEmpty()) {
        text.append(", ");
      }
      text.append(member.nodeId()).append(member.nodeId().equals(self) ? " (this node)" : "")
          .append(" [").append(String.join(",", member.roles())).append(']');
    }
    return text.toString();
  }
}
