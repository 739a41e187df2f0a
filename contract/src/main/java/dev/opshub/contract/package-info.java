/**
 * The one contract between agents, engine and web nodes: event-bus addresses, header, map and meter names, error
 * and close codes, and the records that travel on the bus, mapped to JSON once ({@link dev.opshub.contract.ContractJson}).
 * The JSON of every {@code ops.*} stream body is described by the JSON Schema files under {@code /schema}.
 */
package dev.opshub.contract;
