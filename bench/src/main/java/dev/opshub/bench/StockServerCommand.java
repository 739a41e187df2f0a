package dev.opshub.bench;

import dev.opshub.contract.Clock;
import dev.opshub.engine.BenchPublisher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code stock-server}: the stock vertx-web bridge plus the hub's {@link BenchPublisher} (publishing plain event-bus
 * messages), the baseline opshub is measured against.
 */
@Command(name = "stock-server", mixinStandardHelpOptions = true,
  description = "Runs the STOCK vertx-web SockJS bridge at /eventbus/* with the bench publisher (baseline).")
public final class StockServerCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(StockServerCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--host", description = "Listen host (default: ${DEFAULT-VALUE}).")
  String host = StockBridgeServer.DEFAULT_HOST;

  @Option(names = {"--port", "--http-port"}, description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(names = {"--rate", "--bench-rate"},
    description = "Messages per second published on the address, 0 for none (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = {"--payload", "--bench-payload"}, description = "Bytes of pad in each message body (default: ${DEFAULT-VALUE}).")
  int payload = 200;

  @Option(names = "--address", description = "Event-bus address (default: ${DEFAULT-VALUE}).")
  String address = LoadOptions.DEFAULT_ADDRESS;

  @Option(names = "--instances", description = "HTTP server verticle instances, one per event loop (default: number of cores).")
  int instances = Runtime.getRuntime().availableProcessors();

  @Option(names = "--exit-after", description = "Stop after this many seconds; 0 = run until killed (default: ${DEFAULT-VALUE}).")
  long exitAfter;

  @Override
  public Integer call() throws Exception {
    if (rate < 0 || rate > BenchPublisher.MAX_RATE) {
      throw new ParameterException(spec.commandLine(), "--rate must be 0.." + BenchPublisher.MAX_RATE + ", not " + rate);
    }
    if (payload < 0 || payload > BenchPublisher.MAX_PAYLOAD) {
      throw new ParameterException(spec.commandLine(),
        "--payload must be 0.." + BenchPublisher.MAX_PAYLOAD + ", not " + payload);
    }
    Vertx vertx = Vertx.builder().withTransport(NativeTransport.best()).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
      stopped.countDown();
    }, "stock-server-shutdown"));
    Future<String> servers = vertx.deployVerticle(() -> new StockBridgeServer(host, port, address),
      new DeploymentOptions().setInstances(instances));
    servers.compose(id -> rate == 0 ? Future.succeededFuture(id) : vertx.deployVerticle(
        new BenchPublisher(new PlainEventBusPublisher(vertx.eventBus(), Clock.SYSTEM), address, rate, payload, Clock.SYSTEM)))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    LOG.info("stock vertx-web bridge on http://{}:{}/eventbus ({} instances, transport {}), {} msg/s x {} bytes on {}",
      host, port, instances, NativeTransport.name(NativeTransport.best()), rate, payload, address);
    if (exitAfter > 0) {
      if (!stopped.await(exitAfter, TimeUnit.SECONDS)) {
        LOG.info("exit-after {} s reached", exitAfter);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } else {
      stopped.await();
    }
    return 0;
  }
}
