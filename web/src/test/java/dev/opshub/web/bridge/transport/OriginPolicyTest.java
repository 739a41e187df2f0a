package dev.opshub.web.bridge.transport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin check over real HTTP requests with the {@code Host} and {@code Origin} headers a hostile page or a
 * rebound DNS name would send: only the listed origins, and the request's own origin when its host is an address
 * or localhost, pass.
 */
class OriginPolicyTest {

  private Vertx vertx;
  private HttpServer server;
  private OriginPolicy policy;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(policy.allows(req) ? 200 : 403).end())
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void withoutAListOnlyTheRequestsOwnAddressOrLocalhostOriginPasses() throws Exception {
    policy = new OriginPolicy(List.of());
    int port = server.actualPort();
    String self = "127.0.0.1:" + port;
    assertThat(status(self, null)).as("no Origin: not a browser").isEqualTo(200);
    assertThat(status(self, "http://" + self)).isEqualTo(200);
    assertThat(status("localhost:" + port, "http://localhost:" + port)).isEqualTo(200);
    assertThat(status("[::1]:" + port, "http://[::1]:" + port)).isEqualTo(200);
    // a rebound name: the page's origin and the Host agree, but nothing says the name is this node's
    assertThat(status("evil.example:" + port, "http://evil.example:" + port)).isEqualTo(403);
    assertThat(status(self, "http://evil.example@127.0.0.1:" + port)).as("user info").isEqualTo(403);
    assertThat(status(self, "HTTP://LOCALHOST:1")).as("another port").isEqualTo(403);
    assertThat(status(self, "http://[::1]:9")).as("another port").isEqualTo(403);
    assertThat(status(self, "https://" + self)).as("another scheme").isEqualTo(403);
    assertThat(status(self, "null")).isEqualTo(403);
    assertThat(status(self, "http://" + self + "/path")).isEqualTo(403);
    assertThat(status(self, "ftp://" + self)).isEqualTo(403);
    assertThat(status(self, "http://127.0.0.1:99999")).isEqualTo(403);
  }

  @Test
  void listedOriginsPassWhateverTheHostAndTheDefaultPortIsTheSame() throws Exception {
    policy = new OriginPolicy(List.of("https://ops.example", "http://ops.example:8080"));
    String self = "127.0.0.1:" + server.actualPort();
    assertThat(status("ops.example", "https://ops.example")).isEqualTo(200);
    assertThat(status(self, "https://ops.example:443")).isEqualTo(200);
    assertThat(status(self, "HTTPS://OPS.EXAMPLE")).isEqualTo(200);
    assertThat(status(self, "http://ops.example:8080")).isEqualTo(200);
    assertThat(status(self, "http://ops.example")).as("another port than listed").isEqualTo(403);
    assertThat(status(self, "https://evil.example")).isEqualTo(403);
    assertThat(status(self, "https://ops.example.evil.example")).isEqualTo(403);
    policy = new OriginPolicy(List.of("*"));
    assertThat(status(self, "https://anything.example")).isEqualTo(200);
    assertThat(status(self, "null")).as("not an origin, even under *").isEqualTo(403);
  }

  private int status(String host, String origin) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(5_000);
      String request = "GET / HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
          + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(line.split(" ")[1]);
    }
  }
}
