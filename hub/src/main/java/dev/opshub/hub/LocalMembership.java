package dev.opshub.hub;

import dev.opshub.engine.ClusterMember;
import dev.opshub.engine.Membership;

import java.util.List;

/** A node without a cluster: it is the only member. */
final class LocalMembership implements Membership {

  private final ClusterMember self;

  LocalMembership(String nodeId, List<String> roles) {
    this.self = new ClusterMember(nodeId, roles);
  }

  @Override
  public String selfId() {
    return self.nodeId();
  }

  @Override
  public List<ClusterMember> members() {
    return List.of(self);
  }

  @Override
  public void onChange(Runnable listener) {
    // a single node never changes
  }
}
