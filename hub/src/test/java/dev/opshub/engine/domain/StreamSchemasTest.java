package dev.opshub.engine.domain;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.NodeStats;
import dev.opshub.contract.OpsStreams;
import dev.opshub.engine.BenchPublisher;
import dev.opshub.engine.EngineHealthVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the engine publishes is what the schemas of {@code contract/src/main/resources/schema} say: real drills
 * (every scenario; faults; rounds needing approval decided by an operator, by each policy, or left waiting;
 * rounds without candidate; pause, resume, speed, fault injection, agent reset and stop), the health verticle
 * (agents, a node up and then down) and the bench publisher run through one capturing publisher, and every body
 * of every {@code ops.*} stream, every control reply and the REST bodies the dashboards read are validated in
 * their wire form against their schema. The schemas fix their fields ({@code additionalProperties} /
 * {@code unevaluatedProperties} false, required lists), so a field the engine adds, renames or drops fails here.
 */
@ExtendWith(VertxExtension.class)
class StreamSchemasTest {

  static final String SCHEMA_DIR = "/schema/";
  static final String BASE_URI = "https://opshub.invalid/schema/";
  static final List<String> SCHEMAS = List.of("common.schema.json",
      "ops.agents.state.schema.json", "ops.incidents.schema.json", "ops.incidents.timeline.schema.json",
      "ops.consensus.schema.json", "ops.metrics.business.schema.json", "ops.health.schema.json",
      "ops.drills.schema.json", "ops.bench.schema.json", "ops.control.drills.reply.schema.json",
      "api.scenarios.schema.json", "api.reports.schema.json", "api.drill-report.schema.json", "api.summary.schema.json",
      "api.recorded.schema.json", "api.recorded-run.schema.json");
  static final String CONTROL_REPLY = "ops.control.drills.reply.schema.json";
  static final String NODE = "schema-test-node";

  static JsonObject load(String name) {
    try (InputStream in = StreamSchemasTest.class.getResourceAsStream(SCHEMA_DIR + name)) {
      assertThat(in).as("schema %s on the class path", name).isNotNull();
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SchemaRepository repository() {
    SchemaRepository repo = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri(BASE_URI).setOutputFormat(OutputFormat.Basic));
    SCHEMAS.forEach(name -> repo.dereference(name, JsonSchema.of(load(name))));
    return repo;
  }

  /** The schema of the stream at {@code address}: {@code <address>.schema.json}. */
  static String schemaOf(String address) {
    return address + ".schema.json";
  }

  /** Drill controls that run in the test, collected with their replies. */
  private static final class Run {
    final EngineHarness h;
    final List<JsonObject> replies = Collections.synchronizedList(new ArrayList<>());
    /** What the REST API answered: name -> schema and body. */
    final Map<String, RestBody> rest = new ConcurrentHashMap<>();
    /** Drill id -> what the operator does when a round of that drill awaits approval. */
    final Map<String, BiFunction<String, String, Future<?>>> operator = new ConcurrentHashMap<>();
    final Set<String> seenRounds = ConcurrentHashMap.newKeySet();

    Run(EngineHarness h) {
      this.h = h;
      h.publisher.listen(p -> {
        JsonObject awaiting = Addresses.DRILLS.equals(p.address()) ? p.body().getJsonObject("awaitingApproval") : null;
        BiFunction<String, String, Future<?>> decide = awaiting == null ? null : operator.get(p.key());
        if (decide != null && seenRounds.add(awaiting.getString("roundId"))) {
          decide.apply(p.key(), awaiting.getString("roundId"));
        }
      });
    }

    Future<JsonObject> control(JsonObject body) {
      return h.control(body).onSuccess(replies::add);
    }

    Future<JsonObject> control(String action, String drillId) {
      return control(new JsonObject().put("action", action).put("drillId", drillId));
    }

    Future<JsonObject> inject(String drillId, String agent, String fault) {
      return control(new JsonObject().put("action", "inject_fault").put("drillId", drillId).put("agent", agent)
          .put("fault", fault));
    }

    Future<JsonObject> decide(String drillId, String roundId, boolean approve) {
      return control(new JsonObject().put("action", approve ? "approve" : "reject").put("drillId", drillId)
          .put("roundId", roundId));
    }

    /** Starts a drill, injects {@code faults} (agent, fault, agent, fault...), and completes with its report. */
    Future<JsonObject> drill(JsonObject start, BiFunction<String, String, Future<?>> onAwaiting, String... faults) {
      return control(start).compose(d -> {
        String id = d.getString("id");
        if (onAwaiting != null) {
          operator.put(id, onAwaiting);
        }
        Future<?> injected = Future.succeededFuture();
        for (int i = 0; i < faults.length; i += 2) {
          String agent = faults[i];
          String fault = faults[i + 1];
          injected = injected.compose(x -> inject(id, agent, fault));
        }
        return injected.compose(x -> h.ended(id)).compose(v -> rest("report " + id, "api.drill-report.schema.json",
            new JsonObject().put("op", "report").put("id", id)));
      });
    }

    /** Asks what a REST endpoint forwards to the engine ({@code query}); its answer must match {@code schema}. */
    Future<JsonObject> rest(String name, String schema, JsonObject query) {
      return h.query(query).onSuccess(body -> rest.put(name, new RestBody(schema, body)));
    }
  }

  record RestBody(String schema, JsonObject body) {
  }

  @Test
  @Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
  void everyPublishedBodyMatchesItsSchema(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    SchemaRepository repo = repository();
    Run run = new Run(new EngineHarness(vertx, dir));
    EngineHarness h = run.h;
    Promise<Void> nodeDown = Promise.promise();
    h.publisher.listen(p -> {
      if (Addresses.HEALTH.equals(p.address()) && "down".equals(p.body().getString("status"))) {
        nodeDown.tryComplete();
      }
    });
    String[] bench = new String[1];
    h.deploy()
        .compose(v -> vertx.deployVerticle(new EngineHealthVerticle(h.publisher)))
        .compose(v -> vertx.deployVerticle(new BenchPublisher(h.publisher, 20, 16)))
        .compose(id -> {
          bench[0] = id;
          // one set of figures from a node that then goes silent: up now, down 10 s later
          vertx.eventBus().publish(Addresses.INTERNAL_NODE_STATS, new NodeStats(NODE, List.of("agents", "engine", "web"),
              64L << 20, 256L << 20, 0.25, 1.5, 3, 42.5, System.currentTimeMillis()).toJson());
          List<Future<JsonObject>> plain = new ArrayList<>();
          for (String scenario : List.of("database_cascade", "ddos_attack", "memory_leak", "api_overload", "storage_failure")) {
            plain.add(run.drill(EngineHarness.start(scenario, 7, 600), null));
          }
          return Future.all(plain);
        })
        .compose(v -> Future.all(List.of(
            // an operator rejects the first round and approves the next ones
            run.drill(EngineHarness.start("database_cascade", 7, 600).put("policy", "wait"),
                (drill, round) -> run.decide(drill, round, !round.endsWith("-r1")), "diagnosis", "byzantine:no_evidence"),
            // the policies decide when nobody does
            run.drill(EngineHarness.start("memory_leak", 7, 600).put("policy", "auto_reject").put("approvalTimeoutSeconds", 5),
                null, "diagnosis", "byzantine:out_of_range"),
            run.drill(EngineHarness.start("api_overload", 7, 600).put("policy", "auto_approve").put("approvalTimeoutSeconds", 5),
                null, "diagnosis", "crash"),
            // every control on a drill waiting for approval, then stopped while it waits
            run.drill(EngineHarness.start("ddos_attack", 7, 600).put("policy", "wait"),
                (drill, round) -> run.control("pause", drill)
                    .compose(x -> run.inject(drill, "prediction", "slow"))
                    .compose(x -> run.control("reset_agents", drill))
                    .compose(x -> run.control(new JsonObject().put("action", "speed").put("drillId", drill).put("speed", 300)))
                    .compose(x -> run.control("resume", drill))
                    .compose(x -> run.control("stop", drill)),
                "diagnosis", "byzantine:no_evidence"),
            // no vote can count: rounds without candidate until the incident fails
            run.drill(EngineHarness.start("memory_leak", 11, 600), null, "detection", "byzantine:out_of_range",
                "diagnosis", "crash", "prediction", "byzantine:out_of_range", "resolution", "byzantine:out_of_range"))))
        .compose(v -> nodeDown.future())
        .compose(v -> vertx.undeploy(bench[0]))
        .compose(v -> Future.all(
            run.rest("GET /api/scenarios", "api.scenarios.schema.json", new JsonObject().put("op", "scenarios")),
            run.rest("GET /api/reports", "api.reports.schema.json", new JsonObject().put("op", "reports")),
            run.rest("GET /api/summary", "api.summary.schema.json", new JsonObject().put("op", "summary")),
            run.rest("GET /api/recorded", "api.recorded.schema.json", new JsonObject().put("op", "recorded"))))
        .compose(v -> {
          // every recorded run shipped in the jar
          List<Future<JsonObject>> runs = new ArrayList<>();
          for (Object r : run.rest.get("GET /api/recorded").body().getJsonArray("runs")) {
            String id = ((JsonObject) r).getString("id");
            runs.add(run.rest("recorded " + id, "api.recorded-run.schema.json",
                new JsonObject().put("op", "recorded_run").put("id", id)));
          }
          return Future.all(runs);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<CapturingPublisher.Published> published = h.publisher.messages();
          Map<String, Failure> failures = new TreeMap<>();
          for (OpsStreams.Stream stream : OpsStreams.ALL) {
            Validator validator = repo.validator(schemaOf(stream.address()));
            published.stream().filter(p -> p.address().equals(stream.address()))
                .forEach(p -> check(validator, stream.address(), p.body(), failures));
          }
          Validator reply = repo.validator(CONTROL_REPLY);
          run.replies.forEach(r -> check(reply, "ops.control.drills reply", r, failures));
          run.rest.forEach((name, rest) -> check(repo.validator(rest.schema()), rest.schema(), rest.body(), failures));
          assertThat(failures).as("bodies that do not match their schema").isEmpty();

          // what was validated covers every stream and every variant these drills can reach
          assertThat(published.stream().map(CapturingPublisher.Published::address).collect(Collectors.toSet()))
              .containsAll(OpsStreams.ALL.stream().map(OpsStreams.Stream::address).toList());
          assertThat(values(published, Addresses.INCIDENTS_TIMELINE, "type")).containsExactlyInAnyOrder("agent",
              "transition", "consensus", "decision", "remediation", "remediation_ineffective", "fault", "agents_reset");
          assertThat(values(published, Addresses.CONSENSUS, "decision")).containsExactlyInAnyOrder("auto_approved",
              "awaiting_approval", "approved", "rejected", "no_candidate");
          assertThat(values(published, Addresses.CONSENSUS, "decidedBy")).contains("consensus", "operator", "policy");
          assertThat(values(published, Addresses.DRILLS, "state")).contains("running", "paused", "completed", "stopped");
          assertThat(values(published, Addresses.HEALTH, "status")).contains("up", "down", "ok");
          assertThat(values(published, Addresses.INCIDENTS, "status")).contains("resolved", "failed", "closed", "escalated");
          assertThat(values(published, Addresses.AGENTS_STATE, "state")).contains("failed");
          assertThat(run.rest.keySet()).filteredOn(name -> name.startsWith("report ")).hasSize(10);
          assertThat(run.rest.keySet()).filteredOn(name -> name.startsWith("recorded ")).hasSize(5);
          ctx.completeNow();
        })));
  }

  /**
   * Validates {@code body} as it travels (encoded, then parsed again); what does not match goes to
   * {@code failures}, one entry per kind of body and errors, with the number of such bodies and the first one.
   */
  static void check(Validator validator, String what, JsonObject body, Map<String, Failure> failures) {
    OutputUnit out = validator.validate(new JsonObject(body.encode()));
    if (out.getValid()) {
      return;
    }
    String errors = out.getErrors() == null ? out.getError() : out.getErrors().stream()
        .filter(e -> e.getErrors() == null || e.getErrors().isEmpty())
        .map(e -> e.getInstanceLocation() + ": " + e.getError()).distinct().collect(Collectors.joining("; "));
    failures.computeIfAbsent(what + ": " + errors, k -> new Failure(body.encode())).count++;
  }

  static final class Failure {
    final String example;
    int count;

    Failure(String example) {
      this.example = example.length() > 800 ? example.substring(0, 800) + "..." : example;
    }

    @Override
    public String toString() {
      return count + " bodies, e.g. " + example;
    }
  }

  private static Set<String> values(List<CapturingPublisher.Published> published, String address, String field) {
    return published.stream().filter(p -> p.address().equals(address)).map(p -> p.body().getString(field))
        .filter(s -> s != null).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void theSchemasAreValidAndEveryPropertyIsDescribed(Vertx vertx) throws Exception {
    URL dir = StreamSchemasTest.class.getResource(SCHEMA_DIR);
    if ("file".equals(dir.getProtocol())) {
      // from the contract's build folder (not its jar): no schema file is left out of this test
      try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
        assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(SCHEMAS);
      }
    }
    SchemaRepository repo = repository().preloadMetaSchema(vertx.fileSystem(), Draft.DRAFT202012);
    Validator meta = repo.validator("https://json-schema.org/draft/2020-12/schema");
    for (String name : SCHEMAS) {
      JsonObject schema = load(name);
      OutputUnit out = meta.validate(schema);
      assertThat(out.getValid()).as("%s against the draft 2020-12 meta-schema: %s", name, out.getErrors()).isTrue();
      assertThat(schema.getString("$id")).as("%s $id", name).isEqualTo(name);
      assertThat(schema.getString("description")).as("%s description", name).isNotBlank();
      List<String> undescribed = new ArrayList<>();
      undescribed(schema, name + "#", undescribed);
      assertThat(undescribed).as("properties without a description in %s", name).isEmpty();
    }
  }

  /** Collects the properties below {@code node} that have no description (conditions of if / then / not aside). */
  private static void undescribed(Object node, String at, List<String> out) {
    if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        undescribed(array.getValue(i), at + "/" + i, out);
      }
      return;
    }
    if (!(node instanceof JsonObject object)) {
      return;
    }
    for (String key : object.fieldNames()) {
      if (Set.of("if", "then", "else", "not").contains(key)) {
        continue;
      }
      Object value = object.getValue(key);
      if ("properties".equals(key) && value instanceof JsonObject properties) {
        properties.forEach(p -> {
          if (!(p.getValue() instanceof JsonObject s) || s.getString("description", "").isBlank()) {
            out.add(at + "/properties/" + p.getKey());
          }
        });
      }
      undescribed(value, at + "/" + key, out);
    }
  }
}
