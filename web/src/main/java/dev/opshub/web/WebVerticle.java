package dev.opshub.web;

import dev.opshub.contract.CloseReason;
import dev.opshub.web.bridge.BridgeOptions;
import dev.opshub.web.bridge.FanoutBridge;
import dev.opshub.web.bridge.delivery.VertxEventLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web node: the bridge's node table on this verticle's event loop, and {@code webInstances} HTTP servers on the
 * same port ({@link WebServerVerticle}, default one per processor), each on its own event loop, so connections and
 * their fan-out spread over the loops while every address has one node-level consumer. Configured by
 * {@link WebOptions} JSON. {@link #drain()} makes {@code /ready} answer 503 {@code draining} for the drain period
 * before the bridge clients are told to reconnect elsewhere ({@code node_shutdown}); an undeploy tells them at once
 * (or finds them told) before the servers close.
 */
public class WebVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger(ThreadLocalRandom.current().nextInt(1_000, 10_000));

  private WebOptions options;
  private FanoutBridge bridge;
  private WebRoutes routes;
  private PrometheusMeterRegistry ownRegistry;
  private NodeReadiness readiness;
  private volatile int actualPort = -1;

  @Override
  public Future<?> start() {
    options = WebOptions.fromJson(config());
    PrometheusMeterRegistry prometheus = prometheusRegistry();
    BridgeOptions bridgeOptions = BridgeOptions.fromConfig(config());
    // the web nodes a dashboard fails over between are this deployment's own names: their origins are allowed
    List<String> origins = new ArrayList<>(bridgeOptions.getAllowedOrigins());
    options.getNodes().stream().map(WebVerticle::originOf).filter(o -> !origins.contains(o)).forEach(origins::add);
    bridgeOptions.setAllowedOrigins(origins);
    bridge = FanoutBridge.create(vertx, bridgeOptions, prometheus);
    readiness = new NodeReadiness(new VertxEventLoop(context), options.getDrainMs(), this::closeBridgeClients);
    routes = new WebRoutes(vertx, options, bridgeOptions, bridge, prometheus, readiness::state);
    int instances = options.effectiveWebInstances();
    // port 0 with several instances: Vert.x shares a random port between servers that listen on the same negative
    // port, so each web node uses a negative port of its own
    int port = options.getHttpPort() == 0 && instances > 1 ? -RANDOM_PORT_KEYS.incrementAndGet() : options.getHttpPort();
    return bridge.start()
        .compose(v -> vertx.deployVerticle(() -> new WebServerVerticle(this, port),
            new DeploymentOptions().setInstances(instances)))
        .onSuccess(id -> {
          readiness.serving();
          LOG.info("web node {} listening on {}:{} ({} HTTP server instance{})", options.getNodeId(), options.getHost(),
              actualPort, instances, instances == 1 ? "" : "s");
        });
  }

  @Override
  public Future<?> stop() {
    // the servers (child deployments) are undeployed before this runs; each first waits for the bridge to tell
    // its clients, so this finds the shutdown done
    return shutdownBridge().onComplete(ar -> {
      if (ownRegistry != null) {
        ownRegistry.close();
      }
    });
  }

  /** The port the servers listen on (useful with port 0), or -1 before they listen. */
  public int actualPort() {
    return actualPort;
  }

  WebOptions options() {
    return options;
  }

  WebRoutes routes() {
    return routes;
  }

  void listening(int port) {
    actualPort = port;
  }

  /**
   * Drains the node (from any thread): {@code /ready} answers 503 {@code draining} for the drain period of
   * {@link WebOptions#getDrainMs()}, while everything is still served, then every bridge client is told to reconnect
   * elsewhere. Completes once they were told; then undeploy the verticle. Once; a second call gets the same future.
   */
  public Future<Void> drain() {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      if (options.getDrainMs() > 0 && readiness.ready()) {
        LOG.info("web node {} draining for {} ms: /ready answers 503, its {} bridge clients stay until then",
            options.getNodeId(), options.getDrainMs(), bridge.connections());
      }
      readiness.drain().onComplete(drained);
    });
    return drained.future();
  }

  /** Tells every bridge client to reconnect elsewhere now, ending a drain under way (once, whoever asks first). */
  Future<Void> shutdownBridge() {
    return readiness.close();
  }

  private Future<Void> closeBridgeClients() {
    LOG.info("web node {} tells its {} bridge clients to reconnect elsewhere ({})", options.getNodeId(),
        bridge.connections(), CloseReason.NODE_SHUTDOWN.reason());
    return bridge.shutdown(CloseReason.NODE_SHUTDOWN.reason()).recover(err -> {
      LOG.warn("bridge shutdown of node {} failed", options.getNodeId(), err);
      return Future.succeededFuture();
    });
  }

  private PrometheusMeterRegistry prometheusRegistry() {
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    if (shared instanceof PrometheusMeterRegistry registry) {
      return registry;
    }
    ownRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return ownRegistry;
  }

  /** {@code scheme://host[:port]} of a node URL, lower case. */
  static String originOf(String url) {
    URI uri = URI.create(url.trim());
    String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    return origin.toLowerCase(Locale.ROOT);
  }
}
