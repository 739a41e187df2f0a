/**
 * The only place opshub touches internal Vert.x or Netty APIs: one small adapter per API, each with a fallback that
 * stays correct through public APIs only (slower), and a test that fails when an upgrade breaks the internal path.
 */
package dev.opshub.web.internal;
