package dev.opshub.bench;

import dev.opshub.contract.Clock;
import dev.opshub.engine.BenchPublisher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The load tool against the stock bridge in-process: it must connect, count, time and not invent losses. */
@ExtendWith(VertxExtension.class)
class LoadRunTest {

  private static final String ADDRESS = "ops.bench";

  private static Future<StockBridgeServer> stockServer(Vertx vertx, int rate) {
    StockBridgeServer server = new StockBridgeServer("127.0.0.1", 0, ADDRESS);
    return vertx.deployVerticle(server)
      .compose(id -> vertx.deployVerticle(new BenchPublisher(new PlainEventBusPublisher(vertx.eventBus(), Clock.SYSTEM),
        ADDRESS, rate, 100, Clock.SYSTEM)))
      .map(id -> server);
  }

  private static LoadOptions options(StockBridgeServer server) {
    return new LoadOptions()
      .setUrl("http://127.0.0.1:" + server.actualPort() + "/eventbus")
      .setAddress(ADDRESS)
      .setConnections(5)
      .setThreads(2)
      .setWarmupSeconds(1)
      .setDurationSeconds(2)
      .setProgress(false)
      .setExpectedRate(50);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void countsDeliveriesAndLatenciesWithoutLoss(Vertx vertx, VertxTestContext ctx) {
    stockServer(vertx, 50)
      .compose(server -> LoadRun.run(options(server), null))
      .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
        assertThat(report.opened()).isEqualTo(5);
        assertThat(report.failed()).isZero();
        assertThat(report.closed()).isZero();
        // 5 connections x 50 msg/s x 2 s = 500 expected; the stock bridge keeps up easily at this rate
        assertThat(report.deliveries()).isBetween(400L, 600L);
        assertThat(report.lost()).isZero();
        assertThat(report.duplicates()).isZero();
        assertThat(report.latency().count()).isGreaterThan(300L);
        assertThat(report.latency().max()).isGreaterThanOrEqualTo(report.latency().p99());
        assertThat(report.latency().p99()).isGreaterThanOrEqualTo(report.latency().p50());
        // frames are counted: the stock bridge writes one message per frame unless its socket is busy
        assertThat(report.frames()).isPositive();
        assertThat(report.messagesPerFrame()).isBetween(1.0, 2.0);
        assertThat(report.toJson().getJsonObject("latencyMs").getLong("count")).isEqualTo(report.latency().count());
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void stalledConnectionPausesThenReconnects(Vertx vertx, VertxTestContext ctx) {
    stockServer(vertx, 50)
      .compose(server -> LoadRun.run(options(server).setStall(1).setStallForSeconds(1).setDrainMs(300)
        .setDurationSeconds(3), null))
      .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
        assertThat(report.stalls()).hasSize(1);
        StallReport stall = report.stalls().get(0);
        // the stock bridge never closes a slow socket: the bench closes it itself after draining
        assertThat(stall.closedBy()).isEqualTo("client");
        assertThat(stall.reconnected()).isTrue();
        assertThat(stall.messagesAfterReconnect()).isPositive();
        // the stock bridge sends no epoch/offset headers, so there is nothing to resume from
        assertThat(stall.resumeFrom()).isEqualTo(-1);
        // the other four are unaffected
        assertThat(report.lost()).isZero();
        assertThat(report.opened()).isEqualTo(5);
        ctx.completeNow();
      })));
  }
}
