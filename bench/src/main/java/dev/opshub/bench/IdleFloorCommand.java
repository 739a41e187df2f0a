package dev.opshub.bench;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code idle-floor-server}: runs {@link IdleFloorServer}, the per-connection floor of {@code bench/idle.sh}. */
@Command(name = "idle-floor-server", mixinStandardHelpOptions = true,
  description = "Runs a Vert.x server that only accepts SockJS WebSocket upgrades at /eventbus/* and holds them (floor).")
public final class IdleFloorCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(IdleFloorCommand.class);

  @Option(names = "--host", description = "Listen host (default: ${DEFAULT-VALUE}).")
  String host = StockBridgeServer.DEFAULT_HOST;

  @Option(names = {"--port", "--http-port"}, description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.builder().withTransport(NativeTransport.best()).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
      stopped.countDown();
    }, "idle-floor-shutdown"));
    vertx.deployVerticle(new IdleFloorServer(host, port)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    LOG.info("idle floor server on http://{}:{}/eventbus (transport {})", host, port,
      NativeTransport.name(NativeTransport.best()));
    stopped.await();
    return 0;
  }
}
