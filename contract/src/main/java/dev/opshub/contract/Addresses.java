package dev.opshub.contract;

/**
 * Every event-bus address opshub uses. Browser-facing addresses share {@link #OPS_PREFIX}, so the
 * bridge allowlist is one rule; {@code internal.*} addresses are never bridged.
 */
public final class Addresses {

  /** Prefix of every browser-facing address. */
  public static final String OPS_PREFIX = "ops.";
  /** Prefix of request-reply control addresses; sending to them needs the operator token. */
  public static final String CONTROL_PREFIX = "ops.control.";

  // ---- streams published by the engine (single writer, sequenced with epoch/offset) ----
  public static final String AGENTS_STATE = "ops.agents.state";
  public static final String INCIDENTS = "ops.incidents";
  public static final String INCIDENTS_TIMELINE = "ops.incidents.timeline";
  public static final String CONSENSUS = "ops.consensus";
  public static final String METRICS_BUSINESS = "ops.metrics.business";
  public static final String HEALTH = "ops.health";
  public static final String DRILLS = "ops.drills";
  public static final String BENCH = "ops.bench";

  // ---- browser -> hub, request-reply ----
  /** Drill controls (operator only): start, pause, resume, stop, speed, reset_agents, inject_fault, approve, reject. */
  public static final String CONTROL_DRILLS = "ops.control.drills";
  /** Round-trip probe: the web node that holds the connection answers it itself, no token needed. */
  public static final String PING = "ops.ping";

  // ---- internal (cluster only) ----
  /** Agents -> engine: an agent's state changed, or its heartbeat. Body: {@link AgentStatus}. */
  public static final String INTERNAL_AGENT_STATUS = "internal.agents.status";
  /** Agents -> engine: an agent's result for a drill step (recommendation, detection, notice). */
  public static final String INTERNAL_AGENT_REPORTS = "internal.agents.reports";
  /** Engine/drill runner -> agents: work for an agent (publish; each agent filters on its id). */
  public static final String INTERNAL_AGENT_TASKS = "internal.agents.tasks";
  /** Engine -> agents: control of agents (reset, faults). */
  public static final String INTERNAL_AGENT_CONTROL = "internal.agents.control";
  /** Every node -> engine, about every second: the node's own figures. Body: {@link NodeStats}. */
  public static final String INTERNAL_NODE_STATS = "internal.nodes.stats";
  /** Web nodes -> engine, request-reply: read-only queries behind the REST API (drills, scenarios, reports, summary). */
  public static final String INTERNAL_ENGINE_QUERY = "internal.engine.query";
  /**
   * The active engine -> standby engines, when it stops gracefully (its drills' journals settled, its publisher
   * closed): body {@code {"nodeId": <its node>}}; the next in the election takes over at once instead of waiting
   * for the node to leave the cluster.
   */
  public static final String INTERNAL_ENGINE_HANDOVER = "internal.engine.handover";

  // ---- node-local (published local-only, never leave the node) ----
  /** The hub's membership keeper -> the engine role: the cluster's member list changed. */
  public static final String LOCAL_MEMBERSHIP_CHANGED = "opshub.local.membership";
  /** The engine role -> the membership keeper: this node's engine became active or standby. */
  public static final String LOCAL_ENGINE_CHANGED = "opshub.local.engine";
  /**
   * The active engine's health keeper -> its domain engine: an agent became available or missing. Body
   * {@code {"agent":"diagnosis","available":false,"node":"..."}}.
   */
  public static final String LOCAL_AGENT_AVAILABILITY = "opshub.local.agents";

  private Addresses() {
  }

  /** True for addresses a browser may ever see. */
  public static boolean isBrowserFacing(String address) {
    return address != null && address.startsWith(OPS_PREFIX);
  }

  /** True for addresses whose messages need the operator token. */
  public static boolean isControl(String address) {
    return address != null && address.startsWith(CONTROL_PREFIX);
  }

  /** True for the streams a browser may register on: {@code ops.*} but neither control nor {@link #PING}. */
  public static boolean isStream(String address) {
    return isBrowserFacing(address) && !isControl(address) && !PING.equals(address);
  }
}
