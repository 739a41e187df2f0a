package dev.opshub.web.internal;

import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.transport.Transport;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The internal paths the bridge writes frames through: fails when a Vert.x, vertx-web or Netty upgrade removes the
 * wrapper's delegate, {@code WebSocketInternal.channelHandlerContext()}, the frame encoder in the pipeline, or the
 * epoll channel's socket and outbound buffer.
 */
class WebSocketChannelAccessTest {

  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A server WebSocket accepted through a vertx-web router (as the bridge gets them), on {@code transport}. */
  private ServerWebSocket accept(Transport transport) throws Exception {
    vertx = Vertx.builder().with(new VertxOptions()).withTransport(transport).build();
    Promise<ServerWebSocket> accepted = Promise.promise();
    Router router = Router.router(vertx);
    router.route("/ws").handler(ctx -> ctx.request().toWebSocket().onComplete(accepted));
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebSocketClient client = vertx.createWebSocketClient();
    await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/ws")));
    return await(accepted.future());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void the_encoder_of_a_routed_websocket_is_found() throws Exception {
    ServerWebSocket ws = accept(Transport.NIO);
    var encoder = WebSocketChannelAccess.encoderContext(ws);
    assertThat(encoder).as("vertx-web's wrapper and core's channel context").isNotNull();
    assertThat(encoder.handler()).isInstanceOf(WebSocketFrameEncoder.class);
    assertThat(DirectSocketWrites.of(encoder)).as("NIO: no direct writes, the pipeline is used").isNull();
  }

  @Test
  void on_epoll_frames_may_go_straight_to_the_socket() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
        "not Linux x86_64: the build carries no native epoll for this machine");
    assertThat(Transport.EPOLL.available()).as("native epoll loads on Linux x86_64").isTrue();
    ServerWebSocket ws = accept(Transport.EPOLL);
    var encoder = WebSocketChannelAccess.encoderContext(ws);
    assertThat(encoder).isNotNull();
    assertThat(DirectSocketWrites.of(encoder)).as("epoll socket and outbound buffer reachable").isNotNull();
  }
}
