/**
 * The shared contract between agents, engine and web nodes: event-bus addresses, message headers,
 * and the records that travel on the bus, each mapped to JSON once in {@code toJson}/{@code fromJson}.
 */
package dev.opshub.contract;
