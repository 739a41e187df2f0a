package dev.opshub.web;

import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.web.bridge.FanoutBridge;
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
import java.util.function.BooleanSupplier;

/**
 * {@code /health} (this node: id, roles, cluster members, engine, transport, bridge connections), {@code /ready}
 * (200 once the web role serves, 503 before and while draining) and {@code /metrics} (Prometheus, scraped off the
 * event loop). What the node knows of the cluster comes from the node-local map the hub keeps.
 */
final class HealthEndpoints {

  private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoints.class);

  private final Vertx vertx;
  private final WebOptions options;
  private final FanoutBridge bridge;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;

  HealthEndpoints(Vertx vertx, WebOptions options, FanoutBridge bridge, PrometheusMeterRegistry registry,
                  BooleanSupplier ready) {
    this.vertx = vertx;
    this.options = options;
    this.bridge = bridge;
    this.registry = registry;
    this.ready = ready;
  }

  void mount(Router router) {
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::readiness);
    router.get("/metrics").blockingHandler(PrometheusScrapingHandler.create(registry), false);
  }

  private void health(RoutingContext ctx) {
    LocalMap<String, String> node = vertx.sharedData().getLocalMap(MapNames.NODE);
    JsonObject body = new JsonObject()
        .put("status", "up")
        .put("nodeId", node.getOrDefault(NodeLocalMap.NODE_ID, options.getNodeId()))
        .put("roles", roles(node))
        .put("clustered", Boolean.parseBoolean(node.getOrDefault(NodeLocalMap.CLUSTERED, "false")))
        .put("members", members(node))
        .put("engineActive", Boolean.parseBoolean(node.getOrDefault(NodeLocalMap.ENGINE_ACTIVE, "false")))
        .put("ready", ready.getAsBoolean())
        .put("transport", node.getOrDefault(NodeLocalMap.TRANSPORT, vertx.isNativeTransportEnabled() ? "native" : "nio"))
        .put("bridge", new JsonObject().put("connections", bridge.connections()).put("eventLoops", bridge.eventLoops()));
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

  private void readiness(RoutingContext ctx) {
    boolean r = ready.getAsBoolean();
    json(ctx, r ? 200 : 503, new JsonObject().put("ready", r).put("nodeId", options.getNodeId()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
