/**
 * The runnable node: the {@code opshub} command line, Vert.x with clustering and metrics, the roles it deploys,
 * cluster membership, node statistics and graceful shutdown.
 */
package dev.opshub.hub;
