package dev.opshub.web;

import dev.opshub.contract.EngineStatus;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.QuorumStatus;
import dev.opshub.web.bridge.FanoutBridge;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /health} (this node: id, roles, cluster members, quorum, the engine as this node knows it, transport,
 * bridge connections), {@code /ready} (200 {@code "status":"ready"} once the node serves; 503 with the status
 * {@code starting}, {@code draining} (asked to stop: a load balancer stops sending it clients) or {@code stopped},
 * and 503 {@code no_quorum} while its side of the cluster lacks the quorum, so a balancer sends clients to the side
 * that has an engine) and
 * {@code /metrics} (Prometheus, scraped off the event loop, with gauge {@value MeterNames#NODE_READY} saying what
 * {@code /ready} would). What the node knows of the cluster comes from the node-local map the hub keeps.
 */
final class HealthEndpoints {

  /** Why {@code /ready} says no while the quorum is missing. */
  static final String NOT_READY_NO_QUORUM = EngineStatus.Reason.NO_QUORUM.wireName();

  private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoints.class);

  private final Vertx vertx;
  private final WebOptions options;
  private final FanoutBridge bridge;
  private final PrometheusMeterRegistry registry;
  private final Supplier<NodeReadiness.State> readiness;

  /** @param bridge the web node's bridge, or null on a node without the web role */
  HealthEndpoints(Vertx vertx, WebOptions options, FanoutBridge bridge, PrometheusMeterRegistry registry,
                  Supplier<NodeReadiness.State> readiness) {
    this.vertx = vertx;
    this.options = options;
    this.bridge = bridge;
    this.registry = registry;
    this.readiness = readiness;
    Gauge.builder(MeterNames.NODE_READY, this, h -> h.ready(h.vertx.sharedData().getLocalMap(MapNames.NODE)) ? 1 : 0)
        .description("1 while /ready answers 200 on this node, else 0").register(registry);
  }

  void mount(Router router) {
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::readiness);
    router.get("/metrics").blockingHandler(PrometheusScrapingHandler.create(registry), false);
  }

  private void health(RoutingContext ctx) {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    JsonObject engine = object(node, NodeLocalMap.ENGINE_STATUS);
    boolean engineActive = engine != null ? EngineStatus.fromJson(engine).active()
        : Boolean.parseBoolean(node.getOrDefault(NodeLocalMap.ENGINE_ACTIVE, "false"));
    JsonObject body = new JsonObject()
        .put("status", "up")
        .put("nodeId", node.getOrDefault(NodeLocalMap.NODE_ID, options.getNodeId()))
        .put("roles", roles(node))
        .put("clustered", Boolean.parseBoolean(node.getOrDefault(NodeLocalMap.CLUSTERED, "false")))
        .put("members", members(node))
        .put("quorum", object(node, NodeLocalMap.QUORUM))
        .put("engineActive", engineActive)
        .put("engine", engine)
        .put("ready", ready(node))
        .put("transport", node.getOrDefault(NodeLocalMap.TRANSPORT, vertx.isNativeTransportEnabled() ? "native" : "nio"));
    if (bridge != null) {
      body.put("bridge", new JsonObject().put("connections", bridge.connections()).put("eventLoops", bridge.eventLoops()));
    }
    json(ctx, 200, body);
  }

  private JsonArray roles(LocalMap<String, String> node) {
    String roles = node.get(NodeLocalMap.ROLES);
    List<String> list = roles == null || roles.isBlank() ? options.getRoles()
        : Arrays.stream(roles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return new JsonArray(List.copyOf(list));
  }

  private JsonArray members(LocalMap<String, String> node) {
    String members = node.get(NodeLocalMap.MEMBERS);
    if (members != null) {
      try {
        return new JsonArray(members);
      } catch (DecodeException e) {
        LOG.debug("node map holds unreadable members: {}", members);
      }
    }
    return new JsonArray().add(new JsonObject().put("nodeId", options.getNodeId())
        .put("roles", String.join(",", options.getRoles())).put("self", true));
  }

  /** The JSON object the hub keeps under {@code key}, or null when there is none (no quorum set, no hub). */
  private static JsonObject object(LocalMap<String, String> node, String key) {
    String value = node.get(key);
    if (value == null) {
      return null;
    }
    try {
      return new JsonObject(value);
    } catch (DecodeException | IllegalArgumentException e) {
      LOG.debug("node map holds an unreadable {}: {}", key, value);
      return null;
    }
  }

  /** Serving, and this side of the cluster has the quorum (when one is set). */
  private boolean ready(LocalMap<String, String> node) {
    return readiness.get() == NodeReadiness.State.READY && quorumPresent(node);
  }

  private static boolean quorumPresent(LocalMap<String, String> node) {
    JsonObject quorum = object(node, NodeLocalMap.QUORUM);
    return quorum == null || QuorumStatus.fromJson(quorum).present();
  }

  private void readiness(RoutingContext ctx) {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    NodeReadiness.State state = readiness.get();
    boolean serving = state == NodeReadiness.State.READY;
    boolean quorum = quorumPresent(node);
    JsonObject body = new JsonObject().put("ready", serving && quorum)
        .put("status", serving && !quorum ? NOT_READY_NO_QUORUM : state.wireName())
        .put("nodeId", options.getNodeId());
    if (serving && !quorum) {
      body.put("reason", NOT_READY_NO_QUORUM);
    }
    json(ctx, serving && quorum ? 200 : 503, body);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
