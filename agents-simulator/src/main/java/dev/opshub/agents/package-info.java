/**
 * The five incident-response agents, one verticle each ({@link dev.opshub.agents.AgentsVerticle} deploys them):
 * they read the drill's signals from a task, reason deterministically from (signals, seed, step) and report.
 */
package dev.opshub.agents;
