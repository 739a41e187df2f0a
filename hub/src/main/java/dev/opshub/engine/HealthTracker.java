package dev.opshub.engine;

import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.Clock;
import dev.opshub.contract.WireName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The active engine's knowledge of nodes and agents, and the rules that say when a node is down and an agent
 * missing; no I/O ({@link EngineHealthVerticle} feeds it and publishes what it returns), time from a {@link Clock}.
 *
 * <p>A node is down when it leaves the member list after being in one ({@link DownReason#LEFT}: shut down, or
 * declared dead by the cluster), or when it sent no figures for {@link #NODE_EXPIRY_MS} ({@link DownReason#SILENT});
 * what a node that left still sends is ignored until it is a member again. An agent is missing when the node of its
 * latest status leaves, when it sent no status for {@link #AGENT_MISSING_MS}, or when this engine has seen none
 * for that long since it started.
 */
final class HealthTracker {

  /** An agent without a status for longer than this is missing. */
  static final long AGENT_MISSING_MS = 6_000;
  /** A missing agent's health entry is republished for this long, then no more (the last one stays). */
  static final long AGENT_EXPIRY_MS = 5 * 60_000;
  /** A node silent for this long is down. */
  static final long NODE_EXPIRY_MS = 10_000;
  /** Bound on tracked nodes, and on the nodes remembered as gone. */
  static final int MAX_NODES = 1_024;

  /** Why a node is down or an agent missing. */
  enum DownReason {
    /** Its node is no longer a member of the cluster. */
    LEFT,
    /** Nothing came from it for too long. */
    SILENT;

    String wireName() {
      return WireName.of(this);
    }
  }

  /** Something the keeper publishes. */
  sealed interface Change permits NodeDown, AgentMissing, AgentAvailable {
  }

  /** A node to publish down; {@code lastSeen} is when its figures last came. */
  record NodeDown(String nodeId, long lastSeen, DownReason reason) implements Change {
  }

  /** An agent that has no active instance now; {@code node} is where it last ran, or null. */
  record AgentMissing(AgentId agent, String node, DownReason reason) implements Change {
  }

  /** An agent whose active instance runs on {@code node} (first seen, back, or moved). */
  record AgentAvailable(AgentId agent, String node) implements Change {
  }

  /** Whether a node's figures were taken. */
  enum NodeSeen { NEW, AGAIN, FULL }

  /**
   * What is known of an agent: its latest status (null when none came to this engine), when it came (-1: never),
   * its node (from the status, or from the previous engine's record), and, when missing, why and since when.
   */
  record AgentView(AgentId agent, AgentStatus status, long lastSeen, String node, boolean available,
                   DownReason reason, long missingSince) {
    boolean missing() {
      return reason != null;
    }
  }

  private final Clock clock;
  private final long startedAt;
  private final Map<String, Long> nodes = new LinkedHashMap<>();
  private final Map<String, Long> departed = new LinkedHashMap<>();
  private final Set<String> listed = new HashSet<>();
  private final Map<AgentId, AgentView> agents = new EnumMap<>(AgentId.class);
  private Set<String> members;

  HealthTracker(Clock clock) {
    this.clock = clock;
    this.startedAt = clock.currentTimeMillis();
    for (AgentId agent : AgentId.values()) {
      agents.put(agent, new AgentView(agent, null, -1, null, false, null, -1));
    }
  }

  /** True when {@code nodeId} left the cluster and is not a member again: what it sent is to be ignored. */
  boolean gone(String nodeId) {
    return departed.containsKey(nodeId) && (members == null || !members.contains(nodeId));
  }

  /** A node's figures arrived (from a node not {@link #gone}). */
  NodeSeen onNodeStats(String nodeId) {
    Long before = nodes.get(nodeId);
    if (before == null && nodes.size() >= MAX_NODES) {
      return NodeSeen.FULL;
    }
    nodes.put(nodeId, clock.currentTimeMillis());
    noteListed(nodeId);
    return before == null ? NodeSeen.NEW : NodeSeen.AGAIN;
  }

  /** An agent's status arrived (from a node not {@link #gone}): available, on its node. */
  Optional<Change> onAgentStatus(AgentStatus status) {
    AgentView before = agents.get(status.agent());
    agents.put(status.agent(), new AgentView(status.agent(), status, clock.currentTimeMillis(), status.node(), true,
        null, -1));
    noteListed(status.node());
    if (before.available() && before.node() != null && before.node().equals(status.node())) {
      return Optional.empty();
    }
    return Optional.of(new AgentAvailable(status.agent(), status.node()));
  }

  /**
   * The member list changed ({@code null}: this node keeps none, so membership judges nothing). Nodes and agent
   * hosts that were in a list and are not in this one are gone.
   */
  List<Change> onMembers(Set<String> now) {
    if (now == null) {
      members = null;
      return List.of();
    }
    members = Set.copyOf(now);
    departed.keySet().removeIf(members::contains);
    List<Change> changes = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = nodes.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> node = it.next();
      if (members.contains(node.getKey())) {
        listed.add(node.getKey());
      } else if (listed.contains(node.getKey())) {
        it.remove();
        depart(node.getKey());
        changes.add(new NodeDown(node.getKey(), node.getValue(), DownReason.LEFT));
      }
    }
    for (AgentView view : List.copyOf(agents.values())) {
      String node = view.node();
      if (node == null || view.missing()) {
        continue;
      }
      if (members.contains(node)) {
        listed.add(node);
      } else if (listed.contains(node) || departed.containsKey(node)) {
        depart(node);
        changes.add(missing(view, DownReason.LEFT));
      }
    }
    listed.retainAll(members);
    return changes;
  }

  /**
   * What the previous active engine had published, as kept in the cluster: node ids with when their figures last
   * came, and each agent's node. Those no longer members are down (or missing) now; the others are tracked as if
   * just seen, so a live node is not found silent before its next figures.
   */
  List<Change> adopt(Map<String, Long> knownNodes, Map<AgentId, String> agentNodes) {
    List<Change> changes = new ArrayList<>();
    long now = clock.currentTimeMillis();
    knownNodes.forEach((node, lastSeen) -> {
      if (nodes.containsKey(node) || gone(node)) {
        return;
      }
      if (members != null && !members.contains(node)) {
        depart(node);
        changes.add(new NodeDown(node, lastSeen, DownReason.LEFT));
      } else if (nodes.size() < MAX_NODES) {
        nodes.put(node, now);
        listed.add(node);
      }
    });
    agentNodes.forEach((agent, node) -> {
      AgentView view = agents.get(agent);
      if (view.status() != null || view.missing() || node == null) {
        return;
      }
      AgentView hinted = new AgentView(agent, null, -1, node, false, null, -1);
      agents.put(agent, hinted);
      if (gone(node) || (members != null && !members.contains(node))) {
        depart(node);
        changes.add(missing(hinted, DownReason.LEFT));
      } else {
        listed.add(node);
      }
    });
    return changes;
  }

  /** The time rules, run every round: silent nodes are down, silent or never seen agents missing. */
  List<Change> tick() {
    long now = clock.currentTimeMillis();
    List<Change> changes = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = nodes.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> node = it.next();
      if (now - node.getValue() > NODE_EXPIRY_MS) {
        it.remove();
        changes.add(new NodeDown(node.getKey(), node.getValue(), DownReason.SILENT));
      }
    }
    for (AgentView view : List.copyOf(agents.values())) {
      long since = view.lastSeen() >= 0 ? view.lastSeen() : startedAt;
      if (!view.missing() && now - since > AGENT_MISSING_MS) {
        changes.add(missing(view, DownReason.SILENT));
      }
    }
    return changes;
  }

  /** The agents whose health is published this round: available ones, and missing ones for {@link #AGENT_EXPIRY_MS}. */
  List<AgentView> agentsToReport() {
    long now = clock.currentTimeMillis();
    return agents.values().stream()
        .filter(v -> v.available() || (v.missing() && now - v.missingSince() <= AGENT_EXPIRY_MS))
        .toList();
  }

  /** What is known of {@code agent} now. */
  AgentView agent(AgentId agent) {
    return agents.get(agent);
  }

  /** The nodes tracked now, with when their figures last came (for the cluster's record of known nodes). */
  Map<String, Long> nodes() {
    return Collections.unmodifiableMap(nodes);
  }

  private AgentMissing missing(AgentView view, DownReason reason) {
    agents.put(view.agent(), new AgentView(view.agent(), view.status(), view.lastSeen(), view.node(), false, reason,
        clock.currentTimeMillis()));
    return new AgentMissing(view.agent(), view.node(), reason);
  }

  /** A node that is seen in the current member list is gone when a later list lacks it. */
  private void noteListed(String node) {
    if (members != null && members.contains(node)) {
      listed.add(node);
    }
  }

  private void depart(String node) {
    listed.remove(node);
    departed.remove(node);
    departed.put(node, clock.currentTimeMillis());
    if (departed.size() > MAX_NODES) {
      departed.remove(departed.keySet().iterator().next());
    }
  }
}
