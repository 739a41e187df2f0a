package dev.opshub.hub;

import com.hazelcast.config.Config;
import dev.opshub.contract.OpsStreams;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One running opshub node: its {@link NodeRuntime} (Vert.x, clustered or not, with the node's roles), replaced by a
 * new one with the same settings when a cluster merge changed its Hazelcast member identity (after a partition
 * healed, the smaller side's members join the other as new members; a clean leave and join is what keeps their event
 * bus, REST and streams working). {@link #stop(String)} stops the runtime in place gracefully.
 */
public final class OpshubNode {

  /** Name of the bundled Hazelcast config resource (the top-level cluster.xml). */
  public static final String BUNDLED_CLUSTER_XML = ClusterConfig.BUNDLED_CLUSTER_XML;
  /** Wait before another try when the runtime could not start again after a merge. */
  static final long RESTART_RETRY_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(OpshubNode.class);

  private final NodeSettings settings;
  private NodeRuntime current;
  private Future<Void> restarting;
  private boolean stopping;

  private OpshubNode(NodeSettings settings, NodeRuntime runtime) {
    this.settings = settings;
    this.current = runtime;
  }

  /** Builds Vert.x (joining the cluster when asked) and deploys the node's roles. */
  public static Future<OpshubNode> start(NodeSettings settings) {
    return NodeRuntime.start(settings).map(runtime -> {
      OpshubNode node = new OpshubNode(settings, runtime);
      runtime.onIdentityChanged(() -> node.restart(runtime));
      return node;
    });
  }

  /** The Hazelcast config: the chosen XML, overridden by the cluster options. */
  static Config hazelcastConfig(NodeSettings settings) {
    return ClusterConfig.of(settings);
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
        .put("drainMs", settings.drainMs())
        .put("bridge", settings.bridge().copy());
    if (!settings.nodes().isEmpty()) {
      config.put("nodes", new JsonArray(settings.nodes()));
    }
    if (!settings.allowedOrigins().isEmpty()) {
      config.put("allowedOrigins", settings.allowedOrigins().copy());
    }
    return config;
  }

  /** Stops {@code from} and starts a runtime with the same settings in its place (once per merge). */
  private synchronized void restart(NodeRuntime from) {
    if (stopping || from != current || restarting != null) {
      return;
    }
    LOG.warn("node {}: a cluster merge changed its Hazelcast member identity; restarting its clustered Vert.x "
        + "with the same settings", from.nodeId());
    Promise<Void> done = Promise.promise();
    restarting = done.future();
    from.stop("cluster_merge", false)
        .recover(e -> {
          LOG.warn("node {} did not stop cleanly before its restart: {}", from.nodeId(), e.toString());
          return Future.succeededFuture();
        })
        .onComplete(v -> startAgain(from.nodeId(), done, 1));
  }

  private void startAgain(String formerId, Promise<Void> done, int attempt) {
    NodeRuntime.start(settings).onComplete(ar -> {
      synchronized (this) {
        if (ar.succeeded()) {
          current = ar.result();
          restarting = null;
          LOG.warn("node {} restarted after the cluster merge as node {} (attempt {})", formerId, current.nodeId(), attempt);
          NodeRuntime runtime = current;
          runtime.onIdentityChanged(() -> restart(runtime));
          done.complete();
          return;
        }
        if (stopping) {
          restarting = null;
          done.complete();
          return;
        }
        LOG.error("node {} could not start again after the cluster merge (attempt {}): {}; next try in {} ms", formerId,
            attempt, ar.cause().getMessage(), RESTART_RETRY_MS);
      }
      CompletableFuture.delayedExecutor(RESTART_RETRY_MS, TimeUnit.MILLISECONDS)
          .execute(() -> startAgain(formerId, done, attempt + 1));
    });
  }

  public synchronized String nodeId() {
    return current.nodeId();
  }

  public synchronized Vertx vertx() {
    return current.vertx();
  }

  public synchronized PrometheusMeterRegistry registry() {
    return current.registry();
  }

  /** How long the web role drains on {@link #stop}, ms (0 without the web role or a drain setting). */
  public long drainMs() {
    return settings.has(Role.WEB) ? settings.drainMs() : 0;
  }

  /**
   * Graceful stop: web first (it drains for {@code --drain-ms}, then its bridge closes every client with
   * {@code node_shutdown}), then the engine, then everything else, then Vert.x (leaving the cluster). A restart
   * under way is finished first.
   */
  public Future<Void> stop(String reason) {
    Future<Void> pending;
    synchronized (this) {
      if (stopping) {
        return Future.failedFuture("already stopping");
      }
      stopping = true;
      pending = restarting == null ? Future.succeededFuture() : restarting;
    }
    return pending.transform(ar -> {
      NodeRuntime runtime;
      synchronized (this) {
        runtime = current;
      }
      return runtime.stop(reason, true);
    });
  }
}
