package dev.opshub.hub;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.opshub.contract.MapNames;
import dev.opshub.engine.ClusterMember;
import dev.opshub.engine.Membership;

import java.util.ArrayList;
import java.util.List;

/**
 * Members of the Hazelcast cluster, oldest first (Hazelcast's member list order, the same on every member).
 * A member's roles travel as the member attribute {@value #MapNames.ROLES_ATTRIBUTE}, set in its config before it
 * joins, so they are known locally with the member list, without a map lookup. Node ids are the Vert.x node ids,
 * which vertx-hazelcast also keeps as a member attribute ({@value #VERTX_NODE_ID_ATTRIBUTE}).
 */
final class HazelcastMembership implements Membership {

  /** Member attribute carrying a member's roles (comma list). */
  /** Member attribute in which vertx-hazelcast keeps the Vert.x node id. */
  static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final String selfId;

  HazelcastMembership(HazelcastInstance hazelcast, String selfId) {
    this.hazelcast = hazelcast;
    this.selfId = selfId;
  }

  @Override
  public String selfId() {
    return selfId;
  }

  @Override
  public List<ClusterMember> members() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return List.of();
    }
    List<ClusterMember> members = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      String nodeId = member.getAttribute(VERTX_NODE_ID_ATTRIBUTE);
      members.add(new ClusterMember(nodeId != null ? nodeId : member.getUuid().toString(),
          ClusterMember.parseRoles(member.getAttribute(MapNames.ROLES_ATTRIBUTE))));
    }
    return members;
  }

  @Override
  public void onChange(Runnable listener) {
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        listener.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        listener.run();
      }
    });
  }
}
