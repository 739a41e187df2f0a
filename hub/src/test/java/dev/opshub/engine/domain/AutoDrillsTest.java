package dev.opshub.engine.domain;

import dev.opshub.agents.AgentsVerticle;
import dev.opshub.contract.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With auto drills on, the engine runs drills one after another, rotating scenarios. */
@ExtendWith(VertxExtension.class)
class AutoDrillsTest {

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void drillsFollowOneAnother(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    CapturingPublisher publisher = new CapturingPublisher();
    Map<String, String> ended = new ConcurrentHashMap<>();
    Promise<Void> two = Promise.promise();
    publisher.listen(m -> {
      if (Addresses.DRILLS.equals(m.address()) && "completed".equals(m.body().getString("state"))
          && ended.putIfAbsent(m.key(), m.body().getString("scenario")) == null) {
        ctx.verify(() -> {
          assertThat(m.body().getBoolean("auto")).isTrue();
          assertThat(ended.values()).doesNotHaveDuplicates();
        });
        if (ended.size() == 2) {
          two.tryComplete();
        }
      }
    });
    JsonObject conf = new JsonObject().put("nodeId", "n").put("dataDir", dir.toString()).put("autoDrills", true)
        .put("autoDrillSpeed", 600.0);
    vertx.deployVerticle(new AgentsVerticle(), new DeploymentOptions().setConfig(conf))
        .compose(id -> vertx.deployVerticle(new DomainEngineVerticle(publisher), new DeploymentOptions().setConfig(conf)))
        // stop the engine before the temporary folder goes: the next drill would write its report there
        .compose(id -> two.future()
            .compose(v -> Future.all(ended.keySet().stream().map(d -> vertx.eventBus().request(
                Addresses.INTERNAL_ENGINE_QUERY, new JsonObject().put("op", "report").put("id", d))).toList()))
            .compose(v -> vertx.undeploy(id)))
        .onComplete(ctx.succeedingThenComplete());
  }
}
