package dev.opshub.web;

import dev.opshub.contract.CloseReason;
import dev.opshub.web.bridge.BridgeOptions;
import dev.opshub.web.bridge.FanoutBridge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web node: the bridge's node table on this verticle's event loop, and {@code webInstances} HTTP servers on the
 * same port ({@link WebServerVerticle}, default one per processor), each on its own event loop, so connections and
 * their fan-out spread over the loops while every address has one node-level consumer. Configured by
 * {@link WebOptions} JSON; on undeploy every bridge client is told to reconnect elsewhere ({@code node_shutdown})
 * before the servers close.
 */
public class WebVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger(ThreadLocalRandom.current().nextInt(1_000, 10_000));

  private WebOptions options;
  private FanoutBridge bridge;
  private WebRoutes routes;
  private PrometheusMeterRegistry ownRegistry;
  private volatile int actualPort = -1;
  private volatile boolean ready;

  @Override
  public Future<?> start() {
    options = WebOptions.fromJson(config());
    PrometheusMeterRegistry prometheus = prometheusRegistry();
    BridgeOptions bridgeOptions = BridgeOptions.fromConfig(config());
    bridge = FanoutBridge.create(vertx, bridgeOptions, prometheus);
    routes = new WebRoutes(vertx, options, bridgeOptions, bridge, prometheus, () -> ready);
    int instances = options.effectiveWebInstances();
    // port 0 with several instances: Vert.x shares a random port between servers that listen on the same negative
    // port, so each web node uses a negative port of its own
    int port = options.getHttpPort() == 0 && instances > 1 ? -RANDOM_PORT_KEYS.incrementAndGet() : options.getHttpPort();
    return bridge.start()
        .compose(v -> vertx.deployVerticle(() -> new WebServerVerticle(this, port),
            new DeploymentOptions().setInstances(instances)))
        .onSuccess(id -> {
          ready = true;
          LOG.info("web node {} listening on {}:{} ({} HTTP server instance{})", options.getNodeId(), options.getHost(),
              actualPort, instances, instances == 1 ? "" : "s");
        });
  }

  @Override
  public Future<?> stop() {
    ready = false;
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

  /** Tells every bridge client to reconnect elsewhere (once, whoever asks first). */
  Future<Void> shutdownBridge() {
    ready = false;
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
}
