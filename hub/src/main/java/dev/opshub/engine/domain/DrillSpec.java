package dev.opshub.engine.domain;

import dev.opshub.drills.Scenario;

/**
 * What a drill is started with: its id, scenario, seed, speed at start (drill seconds per wall second), approval
 * policy and timeout (drill seconds), and whether the engine started it by itself (auto drills).
 */
record DrillSpec(String id, Scenario scenario, long seed, double speed, ApprovalPolicy policy, double approvalTimeout,
                 boolean auto) {
}
