package dev.opshub.hub;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.MeterNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.contract.OpsStreams;
import dev.opshub.engine.EngineVerticle;
import dev.opshub.engine.Membership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One running opshub node: Vert.x (clustered through Hazelcast or not) with Micrometer metrics in a Prometheus
 * registry, the membership keeper, the node statistics, and the verticles of its roles. {@link #stop(String)}
 * undeploys the web role first (its clients are told to reconnect elsewhere), then the engine (so a standby takes
 * over), then the rest, and closes Vert.x, which leaves the cluster.
 */
public final class OpshubNode {

  /** Name of the bundled Hazelcast config resource (the top-level cluster.xml). */
  public static final String BUNDLED_CLUSTER_XML = "/cluster.xml";

  private static final Logger LOG = LoggerFactory.getLogger(OpshubNode.class);

  private final Vertx vertx;
  private final NodeSettings settings;
  private final String nodeId;
  private final PrometheusMeterRegistry registry;
  private final List<String> webDeployments = new ArrayList<>();
  private final List<String> engineDeployments = new ArrayList<>();
  private boolean stopping;

  private OpshubNode(Vertx vertx, NodeSettings settings, String nodeId, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.nodeId = nodeId;
    this.registry = registry;
  }

  /** Builds Vert.x (joining the cluster when asked) and deploys the node's roles. */
  public static Future<OpshubNode> start(NodeSettings settings) {
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
    String transportName = transport.name().toLowerCase(java.util.Locale.ROOT);
    LOG.info("network transport {}{}", transportName, settings.transport() == NetTransport.AUTO ? " (auto)" : "");
    if (settings.clustered()) {
      Config config;
      try {
        config = hazelcastConfig(settings);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      LOG.info("joining cluster '{}' ({})", config.getClusterName(),
          settings.clusterConfig() == null ? "bundled cluster.xml" : settings.clusterConfig());
      HazelcastClusterManager clusterManager = new HazelcastClusterManager(config);
      Promise<OpshubNode> outcome = Promise.promise();
      Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).withTransport(transport)
          .withClusterManager(clusterManager).buildClustered()
          .onComplete(built -> {
            if (built.failed()) {
              outcome.fail(built.cause());
              return;
            }
            String id = clusterManager.getNodeId();
            Membership membership = new HazelcastMembership(clusterManager.getHazelcastInstance(), id);
            built.result().sharedData().<String, String>getLocalMap(MapNames.NODE).put(NodeLocalMap.TRANSPORT, transportName);
            new OpshubNode(built.result(), settings, id, registry).deploy(membership).onComplete(outcome);
          });
      return outcome.future();
    }
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).withTransport(transport)
        .build();
    vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).put(NodeLocalMap.TRANSPORT, transportName);
    String id = "n-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    return new OpshubNode(vertx, settings, id, registry).deploy(new LocalMembership(id, settings.roleNames()));
  }

  /** The Hazelcast config: the chosen XML, overridden by the cluster options. */
  static Config hazelcastConfig(NodeSettings settings) {
    Config config;
    if (settings.clusterConfig() != null) {
      try (InputStream in = Files.newInputStream(settings.clusterConfig())) {
        config = new XmlConfigBuilder(in).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + settings.clusterConfig(), e);
      }
    } else {
      try (InputStream in = OpshubNode.class.getResourceAsStream(BUNDLED_CLUSTER_XML)) {
        if (in == null) {
          throw new IllegalStateException("cluster.xml is not bundled in this build");
        }
        config = new XmlConfigBuilder(in).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bundled cluster.xml", e);
      }
    }
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // nodes started at the same moment may each form a cluster before they see each other; merge them in
    // seconds rather than Hazelcast's default minutes, so two engines are not both active for long
    setIfAbsent(config, "hazelcast.merge.first.run.delay.seconds", "10");
    setIfAbsent(config, "hazelcast.merge.next.run.delay.seconds", "10");
    if (settings.clusterName() != null) {
      config.setClusterName(settings.clusterName());
    }
    NetworkConfig network = config.getNetworkConfig();
    if (settings.clusterPort() != null) {
      network.setPort(settings.clusterPort()).setPortAutoIncrement(true);
    }
    if (settings.clusterInterface() != null) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.clusterInterface()));
    }
    if (!settings.clusterMembers().isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(settings.clusterMembers());
    }
    config.getMemberAttributeConfig().setAttribute(MapNames.ROLES_ATTRIBUTE, String.join(",", settings.roleNames()));
    return config;
  }

  private static void setIfAbsent(Config config, String property, String value) {
    if (config.getProperty(property) == null) {
      config.setProperty(property, value);
    }
  }

  private Future<OpshubNode> deploy(Membership membership) {
    Gauge.builder(MeterNames.CLUSTER_MEMBERS, membership, m -> m.members().size())
        .description("Members of the cluster this node sees (1 when not clustered)")
        .register(registry);
    List<String> roles = settings.roleNames();
    Future<String> base = vertx.deployVerticle(new MembershipVerticle(membership, roles, settings.clustered()))
        .compose(id -> vertx.deployVerticle(new NodeStatsVerticle(nodeId, roles, registry)));
    Future<Void> agents = base.compose(id -> settings.has(Role.AGENTS)
        ? deployRole("agents", RoleVerticles.agents(), new JsonObject().put("nodeId", nodeId), null)
        : Future.succeededFuture());
    Future<Void> engine = agents.compose(v -> settings.has(Role.ENGINE)
        ? deployRole("engine", new EngineVerticle(membership, RoleVerticles.domainEngine()), engineConfig(), engineDeployments)
        : Future.succeededFuture());
    Future<Void> web = engine.compose(v -> settings.has(Role.WEB)
        ? deployRole("web", RoleVerticles.web(), webConfig(settings, nodeId), webDeployments)
        : Future.succeededFuture());
    // completed off any context: on failure Vert.x is closed, and its event loops can no longer run listeners
    Promise<OpshubNode> outcome = Promise.promise();
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

  /** The web verticle's config (team contract). */
  static JsonObject webConfig(NodeSettings settings, String nodeId) {
    JsonObject config = new JsonObject()
        .put("host", settings.host())
        .put("httpPort", settings.httpPort())
        .put("nodeId", nodeId)
        .put("roles", new JsonArray(settings.roleNames()))
        .put("operatorToken", settings.operatorToken())
        .put("streams", OpsStreams.toJson())
        .put("webInstances", settings.webInstances())
        .put("bridge", settings.bridge().copy());
    if (!settings.nodes().isEmpty()) {
      config.put("nodes", new JsonArray(settings.nodes()));
    }
    if (!settings.allowedOrigins().isEmpty()) {
      config.put("allowedOrigins", settings.allowedOrigins().copy());
    }
    return config;
  }

  private void announce() {
    LOG.info("opshub node {} started, roles {}{}", nodeId, String.join(",", settings.roleNames()),
        settings.clustered() ? ", clustered" : ", not clustered");
    if (settings.has(Role.WEB)) {
      String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? "localhost" : settings.host();
      String base = "http://" + host + ":" + settings.httpPort();
      LOG.info("  live operations   {}/ops", base);
      LOG.info("  executive demo    {}/demo", base);
      LOG.info("  transparency      {}/transparency", base);
      LOG.info("  health            {}/health", base);
      LOG.info("  metrics           {}/metrics", base);
      LOG.info("  bridge (SockJS)   {}/eventbus", base);
    }
    if (settings.tokenGenerated()) {
      LOG.info("  operator token    {}   (generated; set --operator-token or OPSHUB_OPERATOR_TOKEN to choose one)",
          settings.operatorToken());
    } else {
      LOG.info("  operator token    (as given)");
    }
  }

  public String nodeId() {
    return nodeId;
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Graceful stop: web first (its bridge closes every client with {@code reason}), then the engine, then
   * everything else, then Vert.x (leaving the cluster). Each step is logged.
   */
  public synchronized Future<Void> stop(String reason) {
    if (stopping) {
      return Future.failedFuture("already stopping");
    }
    stopping = true;
    LOG.info("stopping node {} ({})", nodeId, reason);
    // completed off any context: once Vert.x is closed its event loops run no more listeners
    Promise<Void> closed = Promise.promise();
    undeployAll("web", webDeployments)
        .compose(v -> undeployAll("engine", engineDeployments))
        .compose(v -> {
          LOG.info("closing Vert.x{}", settings.clustered() ? " and leaving the cluster" : "");
          return vertx.close();
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            LOG.info("node {} closed", nodeId);
          }
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
