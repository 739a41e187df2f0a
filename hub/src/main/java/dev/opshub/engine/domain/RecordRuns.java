package dev.opshub.engine.domain;

import dev.opshub.agents.AgentsVerticle;
import dev.opshub.contract.Addresses;
import dev.opshub.drills.ScenarioLoader;
import dev.opshub.engine.StreamPublisher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the drill runs that {@code /transparency} shows: runs every built-in scenario with a fixed seed
 * through the real engine and agents in an embedded Vert.x, and writes each enriched report to
 * {@code <out>/<scenario>.json} plus {@code <out>/index.json}.
 *
 * <pre>java -cp hub/target/opshub.jar dev.opshub.engine.domain.RecordRuns [outDir] [seed] [speed]</pre>
 * Defaults: {@code hub/src/main/resources/recorded}, seed 42, speed 600.
 */
public final class RecordRuns {

  private static final Logger LOG = LoggerFactory.getLogger(RecordRuns.class);

  private RecordRuns() {
  }

  /** Publishes nothing; completes a promise when a drill's state stream says it ended. */
  private static final class Watcher implements StreamPublisher {
    final Map<String, Promise<Void>> ends = new ConcurrentHashMap<>();
    final AtomicLong offset = new AtomicLong();

    @Override
    public long epoch() {
      return 1;
    }

    @Override
    public long publish(String address, String key, JsonObject body, String id) {
      if (Addresses.DRILLS.equals(address) && key != null) {
        String state = body.getString("state");
        if ("completed".equals(state) || "stopped".equals(state)) {
          Promise<Void> p = ends.get(key);
          if (p != null) {
            p.tryComplete();
          }
        }
      }
      return offset.incrementAndGet();
    }
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "hub/src/main/resources/recorded");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
    double speed = args.length > 2 ? Double.parseDouble(args[2]) : 600;
    Path data = Files.createTempDirectory("opshub-record");
    Vertx vertx = Vertx.vertx();
    try {
      JsonArray index = record(vertx, data, seed, speed, out).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
      LOG.info("recorded {} runs into {}", index.size(), out.toAbsolutePath());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Runs every scenario once, one after another, and writes the enriched reports; returns the index. */
  static Future<JsonArray> record(Vertx vertx, Path dataDir, long seed, double speed, Path out) {
    Watcher watcher = new Watcher();
    JsonObject conf = new JsonObject().put("nodeId", "recorder").put("dataDir", dataDir.toString())
        .put("autoDrills", false);
    JsonArray index = new JsonArray();
    Future<Void> chain = vertx.deployVerticle(new AgentsVerticle(), new DeploymentOptions().setConfig(conf))
        .compose(id -> vertx.deployVerticle(new DomainEngineVerticle(watcher), new DeploymentOptions().setConfig(conf)))
        .compose(id -> vertx.executeBlocking(() -> {
          Files.createDirectories(out);
          return null;
        }));
    for (String scenario : ScenarioLoader.loadBuiltIn().keySet()) {
      chain = chain.compose(v -> runOne(vertx, watcher, scenario, seed, speed)).compose(report -> {
        JsonObject run = Transparency.enrich(report).put("recordedAt", Instant.now().toString())
            .put("recordedWith", "RecordRuns seed=" + seed + " speed=" + speed);
        index.add(scenario);
        return vertx.executeBlocking(() -> {
          Files.writeString(out.resolve(scenario + ".json"), run.encodePrettily(), StandardCharsets.UTF_8);
          return null;
        });
      });
    }
    return chain.compose(v -> vertx.executeBlocking(() -> {
      Files.writeString(out.resolve("index.json"), index.encodePrettily(), StandardCharsets.UTF_8);
      return index;
    }));
  }

  private static Future<JsonObject> runOne(Vertx vertx, Watcher watcher, String scenario, long seed, double speed) {
    JsonObject start = new JsonObject().put("action", "start").put("scenario", scenario).put("seed", seed)
        .put("speed", speed);
    return vertx.eventBus().<JsonObject>request(Addresses.CONTROL_DRILLS, start).compose(reply -> {
      String id = reply.body().getString("id");
      Promise<Void> end = watcher.ends.computeIfAbsent(id, k -> Promise.promise());
      if ("completed".equals(reply.body().getString("state"))) {
        end.tryComplete();
      }
      return end.future().compose(v -> vertx.eventBus().<JsonObject>request(Addresses.INTERNAL_ENGINE_QUERY,
          new JsonObject().put("op", "report").put("id", id)));
    }).map(m -> {
      JsonObject r = m.body();
      LOG.info("recorded {}: {}", scenario, r.getJsonObject("outcome"));
      return r;
    });
  }
}
