package dev.opshub.web.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;

/** One bridge table on its own context, connections accepted by several server instances on other event loops. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CrossContextTest {

  private static final String EVENTS = "ops.consensus";

  static final class Server extends VerticleBase {
    private final FanoutBridge bridge;
    private final int port;

    Server(FanoutBridge bridge, int port) {
      this.bridge = bridge;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      bridge.mount(router, "/eventbus");
      return vertx.createHttpServer(new HttpServerOptions()).requestHandler(router).listen(port, "127.0.0.1");
    }
  }

  @Test
  void connections_on_several_event_loops_get_everything_in_order_and_resume(Vertx vertx) throws Exception {
    FanoutBridge bridge = FanoutBridge.create(vertx, new BridgeOptions().setStreams(List.of(EVENTS)), null);
    Promise<Void> started = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> bridge.start().onComplete(started));
    await(started.future());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int p = port;
    await(vertx.deployVerticle(() -> new Server(bridge, p), new DeploymentOptions().setInstances(3)));
    List<SockJsClient> clients = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      SockJsClient c = SockJsClient.open(vertx, port);
      c.register(EVENTS);
      clients.add(c);
    }
    // register() waited for its pong, which the bridge sends only once the subscription is in the table
    assertThat(bridge.connections()).isEqualTo(6);
    Streams stream = new Streams(vertx, EVENTS, 3);
    await(stream.burst(50, null, 0));
    for (SockJsClient c : clients) {
      await(c.waitForReceived(EVENTS, 50));
      assertThat(offsets(c)).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
    }
    SockJsClient late = SockJsClient.open(vertx, port);
    late.register(EVENTS, new JsonObject().put("epoch", "3").put("offset", "40"));
    await(stream.burst(5, null, 0));
    await(late.waitForReceived(EVENTS, 15));
    late.sync();
    assertThat(offsets(late)).containsExactlyElementsOf(LongStream.rangeClosed(41, 55).boxed().toList());
    await(bridge.shutdown("bye"));
    for (SockJsClient c : clients) {
      await(c.waitFor(x -> x.closeFrame != null));
    }
  }

  @Test
  void http_sessions_whose_requests_land_on_other_event_loops_get_everything_in_order(Vertx vertx) throws Exception {
    FanoutBridge bridge = FanoutBridge.create(vertx, new BridgeOptions().setStreams(List.of(EVENTS)), null);
    Promise<Void> started = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> bridge.start().onComplete(started));
    await(started.future());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int p = port;
    await(vertx.deployVerticle(() -> new Server(bridge, p), new DeploymentOptions().setInstances(3)));
    // a connection per request: the requests of one session are accepted round-robin by the three servers
    SockJsHttp http = new SockJsHttp(vertx, port, false);
    List<String> sessions = List.of(SockJsHttp.session(), SockJsHttp.session());
    for (String s : sessions) {
      assertThat(await(http.post(s + "/xhr", null)).body()).isEqualTo("o\n");
      await(http.send(s, new JsonObject().put("type", "register").put("address", EVENTS), new JsonObject().put("type", "ping")));
      assertThat(http.pollFor(s, 0)).anyMatch(m -> "pong".equals(m.getString("type")));
    }
    String streaming = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(io.vertx.core.http.HttpMethod.POST, streaming + "/xhr_streaming"));
    await(stream.waitFor(st -> st.frames().contains("o")));
    await(http.send(streaming, new JsonObject().put("type", "register").put("address", EVENTS), new JsonObject().put("type", "ping")));
    await(stream.waitFor(st -> st.messages().size() >= 1));

    Streams stream50 = new Streams(vertx, EVENTS, 3);
    await(stream50.burst(50, null, 0));
    for (String s : sessions) {
      List<Long> offsets = http.pollFor(s, 50).stream().filter(m -> "rec".equals(m.getString("type")))
          .map(m -> Long.parseLong(m.getJsonObject("headers").getString("offset"))).collect(Collectors.toList());
      assertThat(offsets).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
    }
    await(stream.waitFor(st -> st.messages().size() >= 51));
    assertThat(stream.messages().stream().skip(1).map(m -> Long.parseLong(m.getJsonObject("headers").getString("offset"))))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
  }

  private static List<Long> offsets(SockJsClient c) {
    return c.received(EVENTS).stream().map(r -> Long.parseLong(r.getJsonObject("headers").getString("offset"))).collect(Collectors.toList());
  }
}
