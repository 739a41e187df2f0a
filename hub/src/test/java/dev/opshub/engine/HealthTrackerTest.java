package dev.opshub.engine;

import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.ManualClock;
import dev.opshub.engine.HealthTracker.AgentAvailable;
import dev.opshub.engine.HealthTracker.AgentMissing;
import dev.opshub.engine.HealthTracker.Change;
import dev.opshub.engine.HealthTracker.DownReason;
import dev.opshub.engine.HealthTracker.NodeDown;
import dev.opshub.engine.HealthTracker.NodeSeen;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/** When the health keeper says a node is down and an agent missing, stepped by hand on a manual clock. */
class HealthTrackerTest {

  private final ManualClock clock = new ManualClock();
  private final HealthTracker tracker = new HealthTracker(clock);

  private static Set<String> members(String... ids) {
    return Set.of(ids);
  }

  private AgentStatus status(AgentId agent, String node) {
    return new AgentStatus(agent, AgentState.IDLE, node, -1, null, null, null, null, true, clock.currentTimeMillis());
  }

  /** Every agent reports from {@code node}; returns the changes. */
  private List<Change> allReportFrom(String node) {
    List<Change> changes = new ArrayList<>();
    for (AgentId agent : AgentId.values()) {
      tracker.onAgentStatus(status(agent, node)).ifPresent(changes::add);
    }
    return changes;
  }

  private static List<AgentMissing> missing(List<Change> changes) {
    return changes.stream().filter(AgentMissing.class::isInstance).map(AgentMissing.class::cast).toList();
  }

  @Test
  void aNodeThatLeavesIsDownAtOnceWithItsAgentsAndWhatItStillSendsIsIgnored() {
    tracker.onMembers(members("n-engine", "n-a", "n-b"));
    assertThat(tracker.onNodeStats("n-a")).isEqualTo(NodeSeen.NEW);
    assertThat(tracker.onNodeStats("n-a")).isEqualTo(NodeSeen.AGAIN);
    long seen = clock.currentTimeMillis();
    assertThat(allReportFrom("n-a")).hasSize(5).allMatch(c -> c.equals(new AgentAvailable(((AgentAvailable) c).agent(), "n-a")));
    clock.advance(700, MILLISECONDS);

    List<Change> changes = tracker.onMembers(members("n-engine", "n-b"));
    assertThat(changes).contains(new NodeDown("n-a", seen, DownReason.LEFT));
    assertThat(missing(changes)).extracting(AgentMissing::agent).containsExactly(AgentId.values());
    assertThat(missing(changes)).allMatch(m -> m.node().equals("n-a") && m.reason() == DownReason.LEFT);
    assertThat(tracker.agent(AgentId.DIAGNOSIS).missing()).isTrue();
    assertThat(tracker.agentsToReport()).hasSize(5).allMatch(HealthTracker.AgentView::missing);
    // the same list again changes nothing; a message still in flight from n-a is to be ignored
    assertThat(tracker.onMembers(members("n-engine", "n-b"))).isEmpty();
    assertThat(tracker.gone("n-a")).isTrue();
    assertThat(tracker.gone("n-b")).isFalse();

    // n-b's agents take over
    assertThat(allReportFrom("n-b")).containsExactlyElementsOf(
        Arrays.stream(AgentId.values()).map(a -> (Change) new AgentAvailable(a, "n-b")).toList());
    assertThat(tracker.agent(AgentId.DIAGNOSIS).available()).isTrue();
    // a node that is a member again (a healed partition) is welcome again
    tracker.onMembers(members("n-engine", "n-b", "n-a"));
    assertThat(tracker.gone("n-a")).isFalse();
    assertThat(tracker.onNodeStats("n-a")).isEqualTo(NodeSeen.NEW);
  }

  @Test
  void aSilentNodeIsDownAfterTenSecondsAndUpAgainWhenItSpeaks() {
    tracker.onMembers(members("n-engine", "n-a"));
    tracker.onNodeStats("n-a");
    long seen = clock.currentTimeMillis();
    clock.advance(HealthTracker.NODE_EXPIRY_MS, MILLISECONDS);
    assertThat(tracker.tick()).filteredOn(NodeDown.class::isInstance).isEmpty();
    clock.advance(1, MILLISECONDS);
    assertThat(tracker.tick()).filteredOn(NodeDown.class::isInstance)
        .containsExactly(new NodeDown("n-a", seen, DownReason.SILENT));
    assertThat(tracker.nodes()).doesNotContainKey("n-a");
    // still a member: not gone, its next figures bring it back
    assertThat(tracker.gone("n-a")).isFalse();
    assertThat(tracker.onNodeStats("n-a")).isEqualTo(NodeSeen.NEW);
  }

  @Test
  void anAgentWithoutStatusForSixSecondsIsMissingAndAvailableAgainWithItsNextStatus() {
    tracker.onMembers(members("n-a"));
    allReportFrom("n-a");
    clock.advance(HealthTracker.AGENT_MISSING_MS - 2_000, MILLISECONDS);
    tracker.onAgentStatus(status(AgentId.DETECTION, "n-a"));
    clock.advance(2_000, MILLISECONDS);
    assertThat(missing(tracker.tick())).isEmpty();
    clock.advance(1, MILLISECONDS);
    assertThat(missing(tracker.tick())).extracting(AgentMissing::agent)
        .containsExactly(AgentId.DIAGNOSIS, AgentId.PREDICTION, AgentId.RESOLUTION, AgentId.COMMUNICATION);
    assertThat(tracker.agent(AgentId.DIAGNOSIS).reason()).isEqualTo(DownReason.SILENT);
    // reported once: the next round says nothing new
    assertThat(missing(tracker.tick())).isEmpty();
    assertThat(tracker.onAgentStatus(status(AgentId.DIAGNOSIS, "n-a"))).contains(new AgentAvailable(AgentId.DIAGNOSIS, "n-a"));
    assertThat(tracker.onAgentStatus(status(AgentId.DIAGNOSIS, "n-a"))).isEmpty();
  }

  @Test
  void agentsThisEngineNeverHeardFromAreMissingAfterSixSeconds() {
    tracker.onMembers(members("n-engine"));
    tracker.onAgentStatus(status(AgentId.DETECTION, "n-engine"));
    clock.advance(HealthTracker.AGENT_MISSING_MS, MILLISECONDS);
    tracker.onAgentStatus(status(AgentId.DETECTION, "n-engine"));
    assertThat(tracker.tick()).isEmpty();
    assertThat(tracker.agentsToReport()).extracting(HealthTracker.AgentView::agent).containsExactly(AgentId.DETECTION);
    clock.advance(1, MILLISECONDS);
    List<AgentMissing> missing = missing(tracker.tick());
    assertThat(missing).extracting(AgentMissing::agent).containsExactly(AgentId.DIAGNOSIS, AgentId.PREDICTION,
        AgentId.RESOLUTION, AgentId.COMMUNICATION);
    assertThat(missing).allMatch(m -> m.node() == null && m.reason() == DownReason.SILENT);
    assertThat(tracker.agent(AgentId.PREDICTION).lastSeen()).isEqualTo(-1);
  }

  @Test
  void aNewEngineReportsWhatItsPredecessorShowedAndIsGoneAndKeepsTheRest() {
    tracker.onMembers(members("n-engine2", "n-b", "n-web"));
    long recorded = clock.currentTimeMillis() - 4_000;
    List<Change> changes = tracker.adopt(
        Map.of("n-engine1", recorded, "n-a", recorded, "n-b", recorded, "n-web", recorded),
        Map.of(AgentId.DETECTION, "n-a", AgentId.DIAGNOSIS, "n-a", AgentId.PREDICTION, "n-b"));
    assertThat(changes).filteredOn(NodeDown.class::isInstance).containsExactlyInAnyOrder(
        new NodeDown("n-engine1", recorded, DownReason.LEFT), new NodeDown("n-a", recorded, DownReason.LEFT));
    assertThat(missing(changes)).containsExactlyInAnyOrder(new AgentMissing(AgentId.DETECTION, "n-a", DownReason.LEFT),
        new AgentMissing(AgentId.DIAGNOSIS, "n-a", DownReason.LEFT));
    assertThat(tracker.nodes()).containsOnlyKeys("n-b", "n-web");
    assertThat(tracker.gone("n-a")).isTrue();

    // the live ones are not found silent before their next figures could come
    clock.advance(HealthTracker.NODE_EXPIRY_MS, MILLISECONDS);
    tracker.onNodeStats("n-b");
    clock.advance(1, MILLISECONDS);
    assertThat(tracker.tick()).filteredOn(NodeDown.class::isInstance)
        .containsExactly(new NodeDown("n-web", clock.currentTimeMillis() - HealthTracker.NODE_EXPIRY_MS - 1, DownReason.SILENT));
    // prediction's node is alive but it never spoke to this engine: missing by silence; n-b leaving now moves nothing
    assertThat(tracker.agent(AgentId.PREDICTION).missing()).isTrue();
    assertThat(tracker.agent(AgentId.PREDICTION).reason()).isEqualTo(DownReason.SILENT);
  }

  @Test
  void aNodeNotYetInTheMemberListIsNotTakenForGone() {
    tracker.onMembers(members("n-engine"));
    // a joiner's figures may come before this node's list has it
    tracker.onNodeStats("n-new");
    tracker.onAgentStatus(status(AgentId.DETECTION, "n-new"));
    assertThat(tracker.onMembers(members("n-engine"))).isEmpty();
    assertThat(tracker.onMembers(members("n-engine", "n-new"))).isEmpty();
    List<Change> changes = tracker.onMembers(members("n-engine"));
    assertThat(changes).contains(new NodeDown("n-new", clock.currentTimeMillis(), DownReason.LEFT),
        new AgentMissing(AgentId.DETECTION, "n-new", DownReason.LEFT));
  }

  @Test
  void anAgentThatMovedIsNotMissingWhenItsFormerNodeLeaves() {
    tracker.onMembers(members("n-a", "n-b"));
    allReportFrom("n-a");
    assertThat(tracker.onAgentStatus(status(AgentId.RESOLUTION, "n-b"))).contains(new AgentAvailable(AgentId.RESOLUTION, "n-b"));
    List<Change> changes = tracker.onMembers(members("n-b"));
    assertThat(missing(changes)).extracting(AgentMissing::agent).doesNotContain(AgentId.RESOLUTION).hasSize(4);
  }

  @Test
  void withoutAMemberListOnlySilenceCounts() {
    tracker.onMembers(null);
    long recorded = clock.currentTimeMillis() - 60_000;
    assertThat(tracker.adopt(Map.of("n-a", recorded), Map.of(AgentId.DETECTION, "n-a"))).isEmpty();
    assertThat(tracker.nodes()).containsKey("n-a");
    clock.advance(HealthTracker.NODE_EXPIRY_MS + 1, MILLISECONDS);
    List<Change> changes = tracker.tick();
    assertThat(changes).filteredOn(NodeDown.class::isInstance).extracting(c -> ((NodeDown) c).reason())
        .containsExactly(DownReason.SILENT);
    assertThat(missing(changes)).hasSize(5).allMatch(m -> m.reason() == DownReason.SILENT);
    assertThat(missing(changes).get(0).node()).isEqualTo("n-a");
  }

  @Test
  void aMissingAgentIsReportedForFiveMinutesThenNoMore() {
    tracker.onMembers(members("n-engine"));
    clock.advance(HealthTracker.AGENT_MISSING_MS + 1, MILLISECONDS);
    assertThat(missing(tracker.tick())).hasSize(5);
    clock.advance(HealthTracker.AGENT_EXPIRY_MS, MILLISECONDS);
    assertThat(tracker.agentsToReport()).hasSize(5);
    clock.advance(1, MILLISECONDS);
    assertThat(tracker.agentsToReport()).isEmpty();
  }
}
