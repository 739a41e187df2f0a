package dev.opshub.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a node without the web role: {@code /health}, {@code /ready} and {@code /metrics} only, on the
 * host and port of the same {@link WebOptions} config, so every node, whatever its roles, tells how it is.
 */
public final class HealthServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HealthServerVerticle.class);

  private PrometheusMeterRegistry ownRegistry;

  @Override
  public Future<?> start() {
    WebOptions options = WebOptions.fromJson(config());
    PrometheusMeterRegistry registry;
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    if (shared instanceof PrometheusMeterRegistry prometheus) {
      registry = prometheus;
    } else {
      ownRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry = ownRegistry;
    }
    Router router = Router.router(vertx);
    new HealthEndpoints(vertx, options, null, registry, () -> NodeReadiness.State.READY).mount(router);
    return vertx.createHttpServer()
        .requestHandler(request -> {
          if (WebRoutes.isPathTarget(request.uri())) {
            router.handle(request);
          } else {
            request.response().setStatusCode(400).end("bad request target\n");
          }
        })
        .listen(options.getHttpPort(), options.getHost())
        .onSuccess(server -> LOG.info("node {} serves /health, /ready and /metrics on {}:{}", options.getNodeId(),
            options.getHost(), server.actualPort()));
  }

  @Override
  public Future<?> stop() {
    if (ownRegistry != null) {
      ownRegistry.close();
    }
    return Future.succeededFuture();
  }
}
