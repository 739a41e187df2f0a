/**
 * The REST gateway: maps {@code /api/*} requests onto event-bus requests to the active engine
 * ({@code ops.control.drills}, {@code internal.engine.query}) and failed replies onto HTTP errors.
 */
package dev.opshub.web.api;
