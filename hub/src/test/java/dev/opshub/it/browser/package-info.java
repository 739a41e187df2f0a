/**
 * Browser integration tests: the dashboards of a real hub (started from the fat jar) driven in headless Chromium
 * through Selenium, with the browser's own console and network events as evidence.
 */
package dev.opshub.it.browser;
