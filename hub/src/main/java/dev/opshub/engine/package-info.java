/**
 * The engine core: leader election (one active engine cluster-wide), the sequenced single writer of every
 * {@code ops.*} stream, agent-state and health republishing, and the bench publisher.
 */
package dev.opshub.engine;
