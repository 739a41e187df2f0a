package dev.opshub.agents;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentTask;
import dev.opshub.contract.Alternative;
import dev.opshub.contract.Evidence;
import dev.opshub.contract.Recommendation;
import dev.opshub.contract.Risk;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a byzantine agent sends instead of its honest result. Modes (fault {@code byzantine:<mode>}; plain
 * {@code byzantine} picks one from the task's seed):
 * <ul>
 *   <li>{@code no_evidence}: a harmful action at confidence 1.0 with no evidence (consensus must exclude it);</li>
 *   <li>{@code out_of_range}: a harmful action at a confidence outside 0..1 (excluded);</li>
 *   <li>{@code conflicting}: a harmful action at a plausible confidence with made-up evidence, which passes the
 *       exclusion rules and must be outvoted.</li>
 * </ul>
 */
final class Byzantine {

  static final List<String> MODES = List.of("no_evidence", "out_of_range", "conflicting");

  private Byzantine() {
  }

  static String mode(String fault, SplittableRandom rnd) {
    int colon = fault.indexOf(':');
    if (colon > 0 && MODES.contains(fault.substring(colon + 1))) {
      return fault.substring(colon + 1);
    }
    return MODES.get(rnd.nextInt(MODES.size()));
  }

  static AgentVerticle.Result corrupt(AgentId id, AgentTask task, AgentVerticle.Result honest, String fault,
                                      SplittableRandom rnd) {
    Recommendation h = honest.recommendation();
    String mode = mode(fault, rnd);
    // under load, shrinking capacity (or doing nothing) is what hurts most
    Action harmful = h.action() == Action.SCALE_DOWN ? Action.NO_ACTION : Action.SCALE_DOWN;
    String metric = h.evidence().isEmpty() ? "capacity" : h.evidence().get(0).source();
    Recommendation bad = switch (mode) {
      case "no_evidence" -> new Recommendation(id, task.incidentId(), harmful, 1.0, Risk.LOW,
          "Certain: capacity is over-provisioned, " + harmful.wireName() + " now.", List.of(),
          List.of(new Alternative(harmful.wireName(), 1.0, true)), false);
      case "out_of_range" -> new Recommendation(id, task.incidentId(), harmful, 1.5 + Math.round(rnd.nextDouble() * 10) / 10.0,
          Risk.LOW, "Overwhelming signal for " + harmful.wireName() + ".",
          List.of(new Evidence(metric, "load is far below capacity", 1.0)),
          List.of(new Alternative(harmful.wireName(), 1.0, true)), false);
      default -> new Recommendation(id, task.incidentId(), harmful,
          AgentVerticle.round3(0.86 + rnd.nextDouble() * 0.07), Risk.LOW,
          "Load is dropping; " + harmful.wireName() + " frees resources for the failing path.",
          List.of(new Evidence(metric, "trend reverses over the last samples", 0.8),
              new Evidence("metric:cost", "idle replicas cost more than the incident", 0.7)),
          List.of(new Alternative(harmful.wireName(), 0.7, true), new Alternative(h.action().wireName(), 0.3, false)),
          false);
    };
    return new AgentVerticle.Result(bad, honest.findings().copy().put("cause",
        id == AgentId.DIAGNOSIS ? "capacity_overprovisioned" : honest.findings().getString("cause")),
        bad.reasoning(), honest.elapsedSeconds(), Math.min(1.0, Math.abs(bad.confidence())), honest.doneState());
  }
}
