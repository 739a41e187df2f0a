package dev.opshub.engine.domain;

import dev.opshub.agents.AgentsVerticle;
import dev.opshub.contract.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Agents + domain engine in one Vert.x, with a capturing publisher; helpers to run a drill to its end. */
final class EngineHarness {

  final Vertx vertx;
  final Path dataDir;
  final CapturingPublisher publisher = new CapturingPublisher();
  private final Map<String, Promise<Void>> ends = new ConcurrentHashMap<>();
  String engineDeployment;

  EngineHarness(Vertx vertx, Path dataDir) {
    this.vertx = vertx;
    this.dataDir = dataDir;
    publisher.listen(p -> {
      if (Addresses.DRILLS.equals(p.address()) && !"running".equals(p.body().getString("state"))
          && !"paused".equals(p.body().getString("state"))) {
        ends.computeIfAbsent(p.key(), k -> Promise.promise()).tryComplete();
      }
    });
  }

  Future<Void> deploy() {
    JsonObject conf = new JsonObject().put("nodeId", "test").put("dataDir", dataDir.toString()).put("autoDrills", false);
    return vertx.deployVerticle(new AgentsVerticle(), new DeploymentOptions().setConfig(conf))
        .compose(id -> vertx.deployVerticle(new DomainEngineVerticle(publisher), new DeploymentOptions().setConfig(conf)))
        .map(id -> {
          engineDeployment = id;
          return null;
        });
  }

  Future<JsonObject> control(JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.CONTROL_DRILLS, body).map(Message::body);
  }

  Future<JsonObject> query(JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY, body).map(Message::body);
  }

  /** Completes when the drill's state stream shows it ended. */
  Future<Void> ended(String drillId) {
    return ends.computeIfAbsent(drillId, k -> Promise.promise()).future();
  }

  static JsonObject start(String scenario, long seed, double speed) {
    return new JsonObject().put("action", "start").put("scenario", scenario).put("seed", seed).put("speed", speed);
  }

  /** Starts a drill and returns its after-action report once it ended. */
  Future<JsonObject> run(JsonObject start) {
    return control(start).compose(d -> ended(d.getString("id"))
        .compose(v -> query(new JsonObject().put("op", "report").put("id", d.getString("id")))));
  }
}
