package dev.opshub.hub;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.engine.EngineVerticle;
import dev.opshub.engine.Membership;
import dev.opshub.engine.Quorum;
import dev.opshub.engine.domain.DomainEngineVerticle;
import dev.opshub.web.HealthServerVerticle;
import dev.opshub.web.WebVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One Vert.x instance of a node (clustered through Hazelcast or not) with Micrometer metrics in a Prometheus
 * registry (with {@link NodeMeters} and an {@link EventLoopDelayProbe} on each event loop), the membership keeper,
 * the node statistics and engine status, and the verticles of its roles; a node
 * without the web role serves {@code /health}, {@code /ready} and {@code /metrics} alone. It reports when a cluster
 * merge gave its Hazelcast member another identity ({@link #onIdentityChanged}), which {@link OpshubNode} answers
 * with a new runtime. {@link #stop(String, boolean)} drains and undeploys the web role first (its clients are told to
 * reconnect elsewhere), then the engine (so a standby takes over), then closes Vert.x, which leaves the cluster.
 */
final class NodeRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

  private final Vertx vertx;
  private final NodeSettings settings;
  private final String nodeId;
  private final PrometheusMeterRegistry registry;
  private final int eventLoops;
  private final List<String> webDeployments = new ArrayList<>();
  private final List<String> engineDeployments = new ArrayList<>();
  private WebVerticle web;
  private boolean identityChanged;
  private Runnable identityListener;
  private boolean stopping;

  private NodeRuntime(Vertx vertx, NodeSettings settings, String nodeId, PrometheusMeterRegistry registry,
                      int eventLoops) {
    this.vertx = vertx;
    this.settings = settings;
    this.nodeId = nodeId;
    this.registry = registry;
    this.eventLoops = eventLoops;
  }

  /** Builds Vert.x (joining the cluster when asked) and deploys the node's roles. */
  static Future<NodeRuntime> start(NodeSettings settings) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    Transport transport;
    try {
      transport = settings.transport().resolve();
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    String transportName = transport.name().toLowerCase(Locale.ROOT);
    LOG.info("network transport {}{}", transportName, settings.transport() == NetTransport.AUTO ? " (auto)" : "");
    if (!settings.clustered()) {
      Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).withTransport(transport)
          .build();
      vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).put(NodeLocalMap.TRANSPORT, transportName);
      String id = "n-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
      return new NodeRuntime(vertx, settings, id, registry, options.getEventLoopPoolSize())
          .deploy(new LocalMembership(id, settings.roleNames()), Quorum.NONE);
    }
    Config config;
    try {
      config = ClusterConfig.of(settings);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String eventBusHost = ClusterConfig.eventBusHost(settings, config);
    if (eventBusHost != null) {
      options.getEventBusOptions().setHost(eventBusHost);
    }
    LOG.info("joining cluster '{}' ({}){}", config.getClusterName(),
        settings.clusterConfig() == null ? "bundled cluster.xml" : settings.clusterConfig(),
        settings.clusterQuorum() == null ? "" : ", quorum " + settings.clusterQuorum() + " members");
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(config);
    Promise<NodeRuntime> outcome = Promise.promise();
    Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).withTransport(transport)
        .withClusterManager(clusterManager).buildClustered()
        .onComplete(built -> {
          if (built.failed()) {
            outcome.fail(built.cause());
            return;
          }
          String id = clusterManager.getNodeId();
          HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
          Membership membership = new HazelcastMembership(hazelcast, id);
          Quorum quorum = settings.clusterQuorum() == null ? Quorum.NONE
              : new HazelcastQuorum(hazelcast, settings.clusterQuorum());
          built.result().sharedData().<String, String>getLocalMap(MapNames.NODE).put(NodeLocalMap.TRANSPORT, transportName);
          NodeRuntime runtime = new NodeRuntime(built.result(), settings, id, registry, options.getEventLoopPoolSize());
          runtime.watchMerges(hazelcast);
          runtime.deploy(membership, quorum).onComplete(outcome);
        });
    return outcome.future();
  }

  /**
   * A merge (this side was the smaller one and joined the other) resets this Hazelcast member: new member id, maps
   * replaced by the other side's, and Vert.x's event-bus registrations, kept per node id, out of step with it.
   */
  private void watchMerges(HazelcastInstance hazelcast) {
    UUID member = hazelcast.getCluster().getLocalMember().getUuid();
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleState.MERGING) {
        LOG.warn("cluster merge under way: node {} joins the other side of a healed partition", nodeId);
      } else if (event.getState() == LifecycleState.MERGE_FAILED) {
        LOG.warn("cluster merge of node {} failed; Hazelcast tries again", nodeId);
      } else if (event.getState() == LifecycleState.MERGED) {
        UUID now = hazelcast.getCluster().getLocalMember().getUuid();
        LOG.warn("cluster merge done: node {} is Hazelcast member {} (was {})", nodeId, now, member);
        if (!now.equals(member)) {
          identityChanged();
        }
      }
    });
  }

  private void identityChanged() {
    Runnable listener;
    synchronized (this) {
      identityChanged = true;
      listener = identityListener;
    }
    if (listener != null) {
      listener.run();
    }
  }

  /** Runs {@code listener} (on any thread) once a merge has changed this node's member identity, at once if it has. */
  void onIdentityChanged(Runnable listener) {
    boolean already;
    synchronized (this) {
      identityListener = listener;
      already = identityChanged;
    }
    if (already) {
      listener.run();
    }
  }

  private Future<NodeRuntime> deploy(Membership membership, Quorum quorum) {
    NodeMeters.register(registry, membership, vertx.sharedData().getLocalMap(MapNames.NODE));
    List<String> roles = settings.roleNames();
    Future<String> base = vertx.deployVerticle(new MembershipVerticle(membership, roles, settings.clustered()))
        .compose(id -> vertx.deployVerticle(new NodeStatsVerticle(nodeId, roles, registry)))
        .compose(id -> vertx.deployVerticle(new EngineStatusVerticle(membership, quorum)))
        .compose(id -> EventLoopDelayProbe.deployOnEveryLoop(vertx, eventLoops, registry).map(id));
    Future<Void> agents = base.compose(id -> settings.has(Role.AGENTS)
        ? deployRole("agents", RoleVerticles.agents(), new JsonObject().put("nodeId", nodeId), null)
        : Future.succeededFuture());
    if (settings.has(Role.ENGINE)) {
      DomainEngineVerticle.prepare(vertx).onFailure(e -> LOG.warn("built-in scenarios not read ahead: {}", e.toString()));
    }
    Future<Void> engine = agents.compose(v -> settings.has(Role.ENGINE)
        ? deployRole("engine", new EngineVerticle(membership, quorum, RoleVerticles.domainEngine()), engineConfig(),
            engineDeployments)
        : Future.succeededFuture());
    Future<Void> web = engine.compose(v -> settings.has(Role.WEB)
        ? deployWeb()
        : deployRole("health", new HealthServerVerticle(), OpshubNode.webConfig(settings, nodeId), webDeployments));
    // completed off any context: on failure Vert.x is closed, and its event loops can no longer run listeners
    Promise<NodeRuntime> outcome = Promise.promise();
    web.onComplete(ar -> {
      if (ar.succeeded()) {
        announce();
        outcome.complete(this);
      } else {
        LOG.error("node {} failed to start, closing: {}", nodeId, ar.cause().getMessage());
        vertx.close().onComplete(closed -> outcome.fail(ar.cause()));
      }
    });
    return outcome.future();
  }

  private Future<Void> deployWeb() {
    WebVerticle verticle = RoleVerticles.web();
    return deployRole("web", verticle, OpshubNode.webConfig(settings, nodeId), webDeployments)
        .onSuccess(v -> {
          synchronized (this) {
            web = verticle;
          }
        });
  }

  private Future<Void> deployRole(String role, Deployable verticle, JsonObject config, List<String> ids) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .andThen(ar -> {
          if (ar.succeeded()) {
            LOG.info("role {} deployed on node {}", role, nodeId);
            if (ids != null) {
              ids.add(ar.result());
            }
          }
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("role " + role + " failed to start: " + e.getMessage(), e)))
        .mapEmpty();
  }

  private JsonObject engineConfig() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("dataDir", settings.dataDir().toString())
        .put("autoDrills", settings.autoDrills())
        .put("benchRate", settings.benchRate())
        .put("benchPayload", settings.benchPayload());
  }

  private void announce() {
    LOG.info("opshub node {} started, roles {}{}", nodeId, String.join(",", settings.roleNames()),
        settings.clustered() ? ", clustered" : ", not clustered");
    String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? "localhost" : settings.host();
    String base = "http://" + host + ":" + settings.httpPort();
    if (settings.has(Role.WEB)) {
      LOG.info("  live operations   {}/ops", base);
      LOG.info("  executive demo    {}/demo", base);
      LOG.info("  transparency      {}/transparency", base);
    }
    LOG.info("  health            {}/health", base);
    LOG.info("  metrics           {}/metrics", base);
    if (settings.has(Role.WEB)) {
      LOG.info("  bridge (SockJS)   {}/eventbus", base);
    }
    if (settings.tokenGenerated()) {
      LOG.info("  operator token    {}   (generated; set --operator-token or OPSHUB_OPERATOR_TOKEN to choose one)",
          settings.operatorToken());
    } else {
      LOG.info("  operator token    (as given)");
    }
  }

  String nodeId() {
    return nodeId;
  }

  Vertx vertx() {
    return vertx;
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Graceful stop: web first (with {@code drain}, it answers {@code /ready} 503 draining for {@code --drain-ms}
   * first; then its bridge closes every client with {@code node_shutdown}), then the engine, then everything else,
   * then Vert.x (leaving the cluster). Each step is logged.
   */
  synchronized Future<Void> stop(String reason, boolean drain) {
    if (stopping) {
      return Future.failedFuture("already stopping");
    }
    stopping = true;
    LOG.info("stopping node {} ({})", nodeId, reason);
    Future<Void> drained = drain && web != null ? web.drain() : Future.succeededFuture();
    // completed off any context: once Vert.x is closed its event loops run no more listeners
    Promise<Void> closed = Promise.promise();
    drained.compose(v -> undeployAll(settings.has(Role.WEB) ? "web" : "health", webDeployments))
        .compose(v -> undeployAll("engine", engineDeployments))
        .compose(v -> {
          LOG.info("closing Vert.x{}", settings.clustered() ? " and leaving the cluster" : "");
          return vertx.close();
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            LOG.info("node {} closed", nodeId);
          }
          registry.close();
          closed.handle(ar);
        });
    return closed.future();
  }

  private Future<Void> undeployAll(String role, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> undeploys = new ArrayList<>();
    for (String id : ids) {
      undeploys.add(vertx.undeploy(id));
    }
    ids.clear();
    return Future.join(undeploys)
        .andThen(ar -> LOG.info("role {} stopped{}", role, ar.succeeded() ? "" : " with errors: " + ar.cause()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }
}
