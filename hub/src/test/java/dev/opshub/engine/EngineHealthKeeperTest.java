package dev.opshub.engine;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import dev.opshub.contract.ManualClock;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.NodeStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health keeper in Vert.x with a manual clock: a node leaving the member list is published down and its agents
 * missing at once, with no time passing, and the domain engine hears the availability; a newly active engine
 * publishes down what its predecessor showed up and is gone. Every body matches its schema.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class EngineHealthKeeperTest {

  private final ManualClock clock = new ManualClock();
  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> availability = new ConcurrentHashMap<>();

  record Published(String address, String key, JsonObject body) {
  }

  private final StreamPublisher publisher = new StreamPublisher() {
    @Override
    public long epoch() {
      return 1;
    }

    @Override
    public long publish(String address, String key, JsonObject body, String id) {
      body.put("ts", clock.currentTimeMillis()).put("key", key);
      published.add(new Published(address, key, body.copy()));
      return published.size();
    }
  };

  private static void setMembers(Vertx vertx, String... ids) {
    JsonArray list = new JsonArray();
    for (String id : ids) {
      list.add(new JsonObject().put("nodeId", id).put("roles", id.contains("agents") ? "agents" : "engine,web"));
    }
    vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).put(NodeLocalMap.MEMBERS, list.encode());
    vertx.eventBus().publish(Addresses.LOCAL_MEMBERSHIP_CHANGED, ids.length, new DeliveryOptions().setLocalOnly(true));
  }

  private Future<String> deploy(Vertx vertx) {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.LOCAL_AGENT_AVAILABILITY,
        m -> availability.put(m.body().getString("agent"), m.body()));
    return vertx.deployVerticle(new EngineHealthVerticle(publisher, clock));
  }

  /** Completes when a published message matches {@code what}, polling every 20 ms. */
  private Future<Published> awaitPublished(Vertx vertx, Predicate<Published> what) {
    Promise<Published> found = Promise.promise();
    long timer = vertx.setPeriodic(20, t -> published.stream().filter(what).findFirst().ifPresent(found::tryComplete));
    return found.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  private static Predicate<Published> health(String key, String status) {
    return p -> p.address().equals(Addresses.HEALTH) && key.equals(p.key()) && status.equals(p.body().getString("status"));
  }

  private static Predicate<Published> agentState(AgentId agent, String state) {
    return p -> p.address().equals(Addresses.AGENTS_STATE) && agent.wireName().equals(p.key())
        && state.equals(p.body().getString("state"));
  }

  @Test
  void aNodeThatLeavesIsDownAndItsAgentsMissingWithNoTimePassing(Vertx vertx, VertxTestContext ctx) {
    setMembers(vertx, "n-engine", "n-agents-a", "n-agents-b");
    deploy(vertx).compose(id -> {
      vertx.eventBus().publish(Addresses.INTERNAL_NODE_STATS, new NodeStats("n-agents-a", List.of("agents"), 1, 2, 0.1, 0.5, 0, 0,
          clock.currentTimeMillis()).toJson());
      for (AgentId agent : AgentId.values()) {
        vertx.eventBus().publish(Addresses.INTERNAL_AGENT_STATUS, new AgentStatus(agent, AgentState.PROPOSING, "n-agents-a",
            0.8, "inc-1", "d-1", "proposed", null, false, clock.currentTimeMillis()).toJson());
      }
      return awaitPublished(vertx, agentState(AgentId.COMMUNICATION, "proposing"))
          .compose(p -> awaitPublished(vertx, health("node:n-agents-a", "up")));
    }).compose(p -> {
      setMembers(vertx, "n-engine", "n-agents-b");
      return awaitPublished(vertx, health("node:n-agents-a", "down"));
    }).compose(down -> Future.all(List.of(awaitPublished(vertx, agentState(AgentId.COMMUNICATION, "missing")),
        awaitPublished(vertx, health("agent:diagnosis", "missing")))).map(v -> down))
        .compose(down -> {
          ctx.verify(() -> {
            assertThat(down.body().getString("reason")).isEqualTo("left");
            JsonObject missing = published.stream().filter(agentState(AgentId.DIAGNOSIS, "missing")).findFirst()
                .orElseThrow().body();
            assertThat(missing.getString("node")).isEqualTo("n-agents-a");
            assertThat(missing.getString("incidentId")).isEqualTo("inc-1");
            assertThat(missing.getString("lastAction")).contains("n-agents-a left the cluster");
            JsonObject health = published.stream().filter(health("agent:diagnosis", "missing")).findFirst()
                .orElseThrow().body();
            assertThat(health.getString("state")).isEqualTo("missing");
            assertThat(health.getString("reason")).isEqualTo("left");
            assertThat(health.getBoolean("missing")).isTrue();
          });
          // the domain engine hears it from the first round on
          Promise<Void> heard = Promise.promise();
          long timer = vertx.setPeriodic(20, t -> {
            if (availability.size() == AgentId.values().length) {
              heard.tryComplete();
            }
          });
          return heard.future().andThen(ar -> vertx.cancelTimer(timer));
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(availability.values()).allMatch(a -> !a.getBoolean("available") && "n-agents-a".equals(a.getString("node")));
          // what n-agents-a still sends is ignored: no node up, no agent back
          int before = published.size();
          vertx.eventBus().publish(Addresses.INTERNAL_NODE_STATS, new NodeStats("n-agents-a", List.of("agents"), 1, 2, 0.1, 0.5,
              0, 0, clock.currentTimeMillis()).toJson());
          // a silence test: nothing may come within 300 ms
          vertx.setTimer(300, t -> ctx.verify(() -> {
            assertThat(published.subList(before, published.size())).noneMatch(health("node:n-agents-a", "up"));
            assertSchemas();
            ctx.completeNow();
          }));
        })));
  }

  @Test
  void aNewEngineReportsDownWhatItsPredecessorShowedUpAndIsGone(Vertx vertx, VertxTestContext ctx) {
    long recorded = clock.currentTimeMillis() - 3_000;
    setMembers(vertx, "n-engine-2", "n-web");
    vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.KNOWN_NODES)
        .compose(map -> Future.all(List.of(
            map.put("node:n-engine-1", new JsonObject().put("lastSeen", recorded)),
            map.put("node:n-agents", new JsonObject().put("lastSeen", recorded)),
            map.put("node:n-web", new JsonObject().put("lastSeen", recorded)),
            map.put("agent:detection", new JsonObject().put("node", "n-agents").put("lastSeen", recorded)))))
        .compose(v -> deploy(vertx))
        .compose(id -> Future.all(List.of(awaitPublished(vertx, health("node:n-engine-1", "down")),
            awaitPublished(vertx, health("node:n-agents", "down")),
            awaitPublished(vertx, agentState(AgentId.DETECTION, "missing")))))
        .compose(v -> {
          ctx.verify(() -> {
            assertThat(published).noneMatch(health("node:n-web", "down"));
            assertThat(published.stream().filter(health("node:n-agents", "down")).findFirst().orElseThrow().body()
                .getLong("lastSeen")).isEqualTo(recorded);
          });
          return awaitForgotten(vertx);
        })
        .onComplete(ctx.succeeding(keys -> ctx.verify(() -> {
          assertThat(keys).contains("node:n-web", "agent:detection").doesNotContain("node:n-engine-1", "node:n-agents");
          assertSchemas();
          ctx.completeNow();
        })));
  }

  /** The keys of the known-nodes map once the gone nodes have been removed from it. */
  private Future<List<String>> awaitForgotten(Vertx vertx) {
    Promise<List<String>> done = Promise.promise();
    long timer = vertx.setPeriodic(50, t -> vertx.sharedData().<String, JsonObject>getAsyncMap(MapNames.KNOWN_NODES)
        .compose(AsyncMap::keys)
        .onSuccess(keys -> {
          if (!keys.contains("node:n-agents") && !keys.contains("node:n-engine-1")) {
            done.tryComplete(new ArrayList<>(keys));
          }
        }));
    return done.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  private void assertSchemas() {
    SchemaRepository repo = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://opshub.invalid/schema/").setOutputFormat(OutputFormat.Basic));
    for (String name : List.of("common.schema.json", "ops.agents.state.schema.json", "ops.health.schema.json")) {
      repo.dereference(name, JsonSchema.of(load(name)));
    }
    List<String> failures = new ArrayList<>();
    for (Published p : published) {
      OutputUnit out = repo.validator(p.address() + ".schema.json").validate(new JsonObject(p.body().encode()));
      if (!out.getValid()) {
        failures.add(p.body().encode() + ": " + out.getErrors());
      }
    }
    assertThat(failures).isEmpty();
    assertThat(published).isNotEmpty();
  }

  private static JsonObject load(String name) {
    try (InputStream in = EngineHealthKeeperTest.class.getResourceAsStream("/schema/" + name)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
