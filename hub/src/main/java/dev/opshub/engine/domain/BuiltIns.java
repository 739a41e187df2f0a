package dev.opshub.engine.domain;

import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;

/**
 * What the domain engine reads from the class path (the scenarios, the recorded runs): the same for the whole JVM,
 * so it is read once, off the event loop, and kept. A standby engine reads it ahead of a takeover.
 */
record BuiltIns(Map<String, Scenario> scenarios, RecordedRuns recorded) {

  private static volatile BuiltIns loaded;

  /** The built-ins, read on a worker the first time (then at once). */
  static Future<BuiltIns> load(Vertx vertx) {
    BuiltIns done = loaded;
    if (done != null) {
      return Future.succeededFuture(done);
    }
    return vertx.executeBlocking(() -> {
      BuiltIns read = new BuiltIns(ScenarioLoader.loadBuiltIn(), RecordedRuns.loadBuiltIn());
      loaded = read;
      return read;
    });
  }
}
