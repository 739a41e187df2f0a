/**
 * The five incident-response agents, one verticle each ({@link dev.opshub.agents.AgentsVerticle} deploys them):
 * they read the drill's signals from a task, reason deterministically from (signals, seed, step) and report. With the
 * agents role on several nodes, only the instances on the node {@link dev.opshub.agents.AgentPlacement} names are active.
 */
package dev.opshub.agents;
