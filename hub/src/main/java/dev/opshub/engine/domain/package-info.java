/**
 * The incident domain run by the active engine, behind {@link dev.opshub.engine.domain.DomainEngineVerticle}:
 * drills ({@link dev.opshub.engine.domain.DrillRunner} on a {@link dev.opshub.engine.domain.DrillClock}), their
 * controls and queries, the incident lifecycle, weighted consensus, business metrics and after-action reports.
 */
package dev.opshub.engine.domain;
