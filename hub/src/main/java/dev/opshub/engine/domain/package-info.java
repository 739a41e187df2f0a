/**
 * The incident domain run by the active engine: drills ({@link dev.opshub.engine.domain.DrillRunner}), the
 * incident lifecycle, weighted consensus, business metrics and after-action reports, behind
 * {@link dev.opshub.engine.domain.DomainEngineVerticle}.
 */
package dev.opshub.engine.domain;
