/** The bridge's Micrometer meters ({@code opshub.bridge.*}), shared by its layers. */
package dev.opshub.web.bridge.metrics;
