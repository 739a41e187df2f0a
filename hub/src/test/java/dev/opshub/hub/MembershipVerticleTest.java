package dev.opshub.hub;

import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.engine.EngineVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class MembershipVerticleTest {

  @Test
  void nodeMapShowsThisNodeItsMembersAndTheEngineOnceActive(Vertx vertx, VertxTestContext test) {
    LocalMembership membership = new LocalMembership("n-1", List.of("engine", "web"));
    vertx.deployVerticle(new MembershipVerticle(membership, List.of("engine", "web"), false))
        .compose(id -> {
          LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
          test.verify(() -> {
            assertThat(node.get(NodeLocalMap.NODE_ID)).isEqualTo("n-1");
            assertThat(node.get(NodeLocalMap.ROLES)).isEqualTo("engine,web");
            assertThat(node.get(NodeLocalMap.CLUSTERED)).isEqualTo("false");
            JsonArray members = new JsonArray(node.get(NodeLocalMap.MEMBERS));
            assertThat(members).hasSize(1);
            assertThat(members.getJsonObject(0)).isEqualTo(new JsonObject()
                .put("nodeId", "n-1").put("roles", "engine,web").put("self", true).put("activeEngine", true));
            assertThat(node.get(NodeLocalMap.ENGINE_NODE)).isEqualTo("n-1");
            // the engine verticle has not activated yet
            assertThat(node.get(NodeLocalMap.ENGINE_ACTIVE)).isEqualTo("false");
          });
          return vertx.deployVerticle(new EngineVerticle(membership, null));
        })
        .onComplete(test.succeeding(id -> vertx.setPeriodic(50, timer -> {
          LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
          if ("true".equals(node.get(NodeLocalMap.ENGINE_ACTIVE))) {
            vertx.cancelTimer(timer);
            test.verify(() -> assertThat(Long.parseLong(node.get(NodeLocalMap.ENGINE_EPOCH))).isPositive());
            test.completeNow();
          }
        })));
  }
}
