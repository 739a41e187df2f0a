package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.Risk;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the agents know about kinds of signals: which cause a misbehaving signal of that kind points to, how
 * likely such a signal is to be the cause rather than a symptom, which remedies fit, and which action
 * contains the damage fastest. Shared knowledge, no scenario-specific answers.
 */
final class Playbook {

  /** Knowledge about one kind of signal. */
  record Entry(String kind, String cause, double causePrior, Map<Action, Double> remedies, Action containment) {
    /** The best-fitting remedy; ties go to the action listed first in {@link Action}. */
    Action primary() {
      return remedies.entrySet().stream().max(Map.Entry.<Action, Double>comparingByValue()
          .thenComparing(e -> -e.getKey().ordinal())).orElseThrow().getKey();
    }
  }

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
  private static final Map<Action, Risk> RISK = new EnumMap<>(Action.class);

  static {
    add("connection_pool", "connection_pool_exhaustion", 1.0, Action.SCALE_UP,
        Action.SCALE_UP, 0.55, Action.RESTART_SERVICE, 0.30, Action.CIRCUIT_BREAKER_OPEN, 0.15);
    add("request_rate", "traffic_flood", 1.0, Action.CIRCUIT_BREAKER_OPEN,
        Action.DRAIN_TRAFFIC, 0.50, Action.CIRCUIT_BREAKER_OPEN, 0.35, Action.SCALE_UP, 0.15);
    add("traffic_source", "traffic_flood", 0.9, Action.DRAIN_TRAFFIC,
        Action.DRAIN_TRAFFIC, 0.55, Action.CIRCUIT_BREAKER_OPEN, 0.35, Action.SCALE_UP, 0.10);
    add("memory", "memory_leak", 1.0, Action.RESTART_SERVICE,
        Action.RESTART_SERVICE, 0.50, Action.ROLLBACK_DEPLOYMENT, 0.30, Action.SCALE_UP, 0.20);
    add("gc", "memory_leak", 0.45, Action.RESTART_SERVICE,
        Action.RESTART_SERVICE, 0.50, Action.ROLLBACK_DEPLOYMENT, 0.30, Action.SCALE_UP, 0.20);
    add("cpu", "cpu_saturation", 0.8, Action.SCALE_UP,
        Action.SCALE_UP, 0.60, Action.INCREASE_CAPACITY, 0.25, Action.CIRCUIT_BREAKER_OPEN, 0.15);
    add("concurrency", "capacity_exhaustion", 1.0, Action.CIRCUIT_BREAKER_OPEN,
        Action.SCALE_UP, 0.55, Action.INCREASE_CAPACITY, 0.25, Action.CIRCUIT_BREAKER_OPEN, 0.20);
    add("disk_errors", "storage_degradation", 1.0, Action.DRAIN_TRAFFIC,
        Action.DRAIN_TRAFFIC, 0.50, Action.INCREASE_CAPACITY, 0.30, Action.RESTART_SERVICE, 0.20);
    add("disk_usage", "disk_full", 1.0, Action.CLEAR_CACHE,
        Action.INCREASE_CAPACITY, 0.60, Action.CLEAR_CACHE, 0.30, Action.RESTART_SERVICE, 0.10);
    add("replication", "replication_lag", 0.5, Action.DRAIN_TRAFFIC,
        Action.DRAIN_TRAFFIC, 0.50, Action.INCREASE_CAPACITY, 0.50);
    add("cache", "cache_degradation", 0.8, Action.CLEAR_CACHE,
        Action.CLEAR_CACHE, 0.60, Action.RESTART_SERVICE, 0.25, Action.SCALE_UP, 0.15);
    add("latency", "downstream_latency", 0.35, Action.CIRCUIT_BREAKER_OPEN,
        Action.SCALE_UP, 0.40, Action.CIRCUIT_BREAKER_OPEN, 0.40, Action.CLEAR_CACHE, 0.20);
    add("error_rate", "error_spike", 0.3, Action.CIRCUIT_BREAKER_OPEN,
        Action.ROLLBACK_DEPLOYMENT, 0.40, Action.RESTART_SERVICE, 0.30, Action.CIRCUIT_BREAKER_OPEN, 0.30);

    RISK.put(Action.SCALE_UP, Risk.LOW);
    RISK.put(Action.SCALE_DOWN, Risk.HIGH);
    RISK.put(Action.RESTART_SERVICE, Risk.MEDIUM);
    RISK.put(Action.ROLLBACK_DEPLOYMENT, Risk.MEDIUM);
    RISK.put(Action.INCREASE_CAPACITY, Risk.MEDIUM);
    RISK.put(Action.CIRCUIT_BREAKER_OPEN, Risk.MEDIUM);
    RISK.put(Action.CLEAR_CACHE, Risk.LOW);
    RISK.put(Action.DRAIN_TRAFFIC, Risk.MEDIUM);
    RISK.put(Action.NOTIFY_TEAM, Risk.LOW);
    RISK.put(Action.ESCALATE_INCIDENT, Risk.LOW);
    RISK.put(Action.NO_ACTION, Risk.HIGH);
  }

  private Playbook() {
  }

  private static void add(String kind, String cause, double prior, Action containment, Object... remedies) {
    Map<Action, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < remedies.length; i += 2) {
      m.put((Action) remedies[i], (Double) remedies[i + 1]);
    }
    ENTRIES.put(kind, new Entry(kind, cause, prior, java.util.Collections.unmodifiableMap(m), containment));
  }

  /** The entry for {@code kind}; an unknown kind is a weak cause whose only remedy is to escalate. */
  static Entry entry(String kind) {
    Entry e = ENTRIES.get(kind);
    return e != null ? e
        : new Entry(kind, "unknown_" + kind, 0.3, Map.of(Action.ESCALATE_INCIDENT, 1.0), Action.ESCALATE_INCIDENT);
  }

  /** Remedies that fit {@code cause}, from every kind pointing to it, fits added up and normalised. */
  static Map<Action, Double> remediesFor(String cause) {
    Map<Action, Double> out = new EnumMap<>(Action.class);
    double total = 0;
    for (Entry e : ENTRIES.values()) {
      if (e.cause().equals(cause)) {
        for (Map.Entry<Action, Double> r : e.remedies().entrySet()) {
          out.merge(r.getKey(), r.getValue(), Double::sum);
          total += r.getValue();
        }
      }
    }
    if (out.isEmpty()) {
      out.put(Action.ESCALATE_INCIDENT, 1.0);
      return out;
    }
    for (Map.Entry<Action, Double> r : out.entrySet()) {
      r.setValue(r.getValue() / total);
    }
    return out;
  }

  /** Base risk of an action, before the resolution agent looks at the current load. */
  static Risk risk(Action action) {
    return RISK.getOrDefault(action, Risk.MEDIUM);
  }
}
