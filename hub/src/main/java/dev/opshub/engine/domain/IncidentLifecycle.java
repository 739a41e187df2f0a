package dev.opshub.engine.domain;

import dev.opshub.contract.IncidentStatus;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.opshub.contract.IncidentStatus.CLOSED;
import static dev.opshub.contract.IncidentStatus.DETECTED;
import static dev.opshub.contract.IncidentStatus.DIAGNOSED;
import static dev.opshub.contract.IncidentStatus.ESCALATED;
import static dev.opshub.contract.IncidentStatus.FAILED;
import static dev.opshub.contract.IncidentStatus.INVESTIGATING;
import static dev.opshub.contract.IncidentStatus.RESOLVED;
import static dev.opshub.contract.IncidentStatus.RESOLVING;
import static dev.opshub.contract.IncidentStatus.TRIAGED;

/**
 * The incident state machine (DOMAIN.md): detected → triaged → investigating → diagnosed → resolving →
 * resolved → closed; any open state before resolved may escalate or fail; an escalated incident goes back to
 * investigating (or straight to resolving, or fails); a failed one can only be closed. Anything else is
 * rejected, never applied.
 */
public final class IncidentLifecycle {

  private static final Map<IncidentStatus, Set<IncidentStatus>> NEXT = new EnumMap<>(IncidentStatus.class);

  static {
    NEXT.put(DETECTED, EnumSet.of(TRIAGED, ESCALATED, FAILED));
    NEXT.put(TRIAGED, EnumSet.of(INVESTIGATING, ESCALATED, FAILED));
    NEXT.put(INVESTIGATING, EnumSet.of(DIAGNOSED, ESCALATED, FAILED));
    NEXT.put(DIAGNOSED, EnumSet.of(RESOLVING, ESCALATED, FAILED));
    NEXT.put(RESOLVING, EnumSet.of(RESOLVED, ESCALATED, FAILED));
    NEXT.put(RESOLVED, EnumSet.of(CLOSED));
    NEXT.put(ESCALATED, EnumSet.of(INVESTIGATING, RESOLVING, FAILED));
    NEXT.put(FAILED, EnumSet.of(CLOSED));
    NEXT.put(CLOSED, EnumSet.noneOf(IncidentStatus.class));
  }

  /** Outcome of a transition request: applied, or rejected with the reason. */
  public record Transition(IncidentStatus from, IncidentStatus to, boolean applied, String reason) {
  }

  private IncidentLifecycle() {
  }

  /** True when {@code from → to} is a valid transition. */
  public static boolean allowed(IncidentStatus from, IncidentStatus to) {
    return from != null && to != null && NEXT.get(from).contains(to);
  }

  /** The states reachable from {@code from}. */
  public static Set<IncidentStatus> next(IncidentStatus from) {
    Set<IncidentStatus> n = NEXT.get(from);
    return n == null || n.isEmpty() ? EnumSet.noneOf(IncidentStatus.class) : EnumSet.copyOf(n);
  }

  /** Checks {@code from → to}; the caller applies it only when {@link Transition#applied()}. */
  public static Transition check(IncidentStatus from, IncidentStatus to) {
    if (to == null) {
      return new Transition(from, null, false, "target state missing");
    }
    if (from == to) {
      return new Transition(from, to, false, "already " + to.wireName());
    }
    if (!allowed(from, to)) {
      return new Transition(from, to, false, "invalid transition " + from.wireName() + " -> " + to.wireName()
          + "; allowed: " + NEXT.get(from).stream().map(IncidentStatus::wireName).toList());
    }
    return new Transition(from, to, true, null);
  }
}
