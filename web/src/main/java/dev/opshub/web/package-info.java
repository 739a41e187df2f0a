/**
 * The web verticle: the HTTP server of a web node, with health, readiness, Prometheus metrics, the static
 * dashboards, the REST gateway and the fan-out bridge mounted at {@code /eventbus}.
 */
package dev.opshub.web;
