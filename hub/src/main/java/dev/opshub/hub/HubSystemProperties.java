package dev.opshub.hub;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** JVM-wide settings the node needs before Hazelcast or Vert.x load; a value set with {@code -D} wins. */
final class HubSystemProperties {

  private HubSystemProperties() {
  }

  static void apply() {
    setIfAbsent("hazelcast.logging.type", "slf4j");
    setIfAbsent("hazelcast.phone.home.enabled", "false");
    setIfAbsent("hazelcast.wait.seconds.before.join", "0");
    // Hazelcast's own hook would leave the cluster before our graceful shutdown has told clients
    setIfAbsent("hazelcast.shutdownhook.enabled", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Flushes and stops logging (before the JVM is halted). */
  static void flushLogs() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.stop();
    }
  }
}
