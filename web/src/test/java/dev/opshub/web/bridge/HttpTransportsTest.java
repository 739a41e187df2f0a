package dev.opshub.web.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.opshub.web.bridge.SockJsClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SockJS HTTP transports as the protocol (0.3.3) defines them, spoken over real HTTP: framing, preludes,
 * headers, errors, response limit, session bounds, origin policy, cookies, escaping, and bridge messages through
 * each transport.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HttpTransportsTest {

  private static final String ADDRESS = "ops.incidents.timeline";
  private static final String NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0";
  private static final String JS = "application/javascript; charset=UTF-8";

  private static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  private static List<Long> recs(SockJsHttp.Stream stream) {
    return stream.messages().stream().filter(m -> "rec".equals(m.getString("type")))
        .map(m -> Long.parseLong(m.getJsonObject("headers").getString("offset"))).toList();
  }

  private static BridgeServer node(Vertx vertx, BridgeOptions options) throws Exception {
    return await(BridgeServer.deploy(vertx, options.setStreams(List.of(ADDRESS))));
  }

  @Test
  void xhr_polling_opens_sends_and_receives_one_answer_per_poll(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions());
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    SockJsHttp.Answer open = await(http.post(s + "/xhr", null));
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.body()).isEqualTo("o\n");
    assertThat(open.header("Content-Type")).isEqualTo(JS);
    assertThat(open.header("Cache-Control")).isEqualTo(NO_CACHE);
    assertThat(open.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(open.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(open.header("Set-Cookie")).isNull();

    SockJsHttp.Answer sent = await(http.send(s, ping()));
    assertThat(sent.status()).isEqualTo(204);
    assertThat(sent.body()).isEmpty();
    assertThat(sent.header("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
    assertThat(sent.header("Cache-Control")).isEqualTo(NO_CACHE);

    SockJsHttp.Answer poll = await(http.post(s.replace("/000/", "/999/") + "/xhr", null));
    assertThat(poll.body()).as("the server id is ignored").isEqualTo("a[\"{\\\"type\\\":\\\"pong\\\"}\"]\n");
    assertThat(node.bridge.connections()).isEqualTo(1);
  }

  @Test
  void a_waiting_poll_is_answered_when_a_message_comes_and_a_second_one_gets_2010(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions());
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    await(http.post(s + "/xhr", null));
    SockJsHttp.Stream waiting = await(http.open(HttpMethod.POST, s + "/xhr"));
    await().atMost(Duration.ofSeconds(5)).until(() -> node.bridge.connections() == 1);
    // the waiting poll was handed to the session before its status was written, so before this one arrives
    SockJsHttp.Answer second = await(http.post(s + "/xhr", null));
    assertThat(second.body()).isEqualTo("c[2010,\"Another connection still open\"]\n");
    assertThat(waiting.ended()).isFalse();
    await(http.send(s, ping()));
    await(waiting.waitFor(SockJsHttp.Stream::ended));
    assertThat(waiting.body()).isEqualTo("a[\"{\\\"type\\\":\\\"pong\\\"}\"]\n");
  }

  @Test
  void xhr_streaming_sends_the_prelude_then_frames_and_ends_at_the_response_limit(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setResponseLimit(4096));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(HttpMethod.POST, s + "/xhr_streaming"));
    assertThat(stream.response.statusCode()).isEqualTo(200);
    assertThat(stream.response.getHeader("Content-Type")).isEqualTo(JS);
    assertThat(stream.response.getHeader("Cache-Control")).isEqualTo(NO_CACHE);
    await(stream.waitFor(st -> st.body().length() >= 2051));
    assertThat(stream.body()).isEqualTo("h".repeat(2048) + "\no\n");

    await(http.send(s, register(ADDRESS), ping()));
    await(stream.waitFor(st -> st.messages().size() >= 1));
    Streams publisher = new Streams(vertx, ADDRESS, 3);
    await(publisher.burst(25, null, 0, "p".repeat(100)));
    // 25 messages of ~200 bytes are past the 4 KiB limit: the response ends, the session lives on and the rest
    // comes on the next receiving request
    await(stream.waitFor(SockJsHttp.Stream::ended));
    assertThat(stream.body().length()).isBetween(4096, 4096 + 2051 + 2_000);
    SockJsHttp.Stream next = await(http.open(HttpMethod.POST, s + "/xhr_streaming"));
    await(next.waitFor(st -> recs(stream).size() + recs(st).size() >= 25));
    List<Long> offsets = new java.util.ArrayList<>(recs(stream));
    offsets.addAll(recs(next));
    assertThat(offsets).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
    long frames = stream.frames().stream().filter(f -> f.startsWith("a[")).count()
        + next.frames().stream().filter(f -> f.startsWith("a[")).count();
    assertThat(frames).as("batched").isLessThan(26);
    await(http.send(s, ping()));
    await(next.waitFor(st -> st.messages().stream().anyMatch(m -> "pong".equals(m.getString("type")))));
    assertThat(node.bridge.connections()).isEqualTo(1);
  }

  @Test
  void eventsource_frames_data_lines(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions());
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(HttpMethod.GET, s + "/eventsource"));
    assertThat(stream.response.getHeader("Content-Type")).isEqualTo("text/event-stream; charset=UTF-8");
    assertThat(stream.response.getHeader("Cache-Control")).isEqualTo(NO_CACHE);
    await(stream.waitFor(st -> st.body().length() >= 13));
    assertThat(stream.body()).isEqualTo("\r\ndata: o\r\n\r\n");
    await(http.send(s, ping()));
    await(stream.waitFor(st -> st.body().length() > 13));
    await(stream.waitFor(st -> st.body().endsWith("\r\n\r\n") && st.body().length() > 13));
    assertThat(stream.body()).isEqualTo("\r\ndata: o\r\n\r\ndata: a[\"{\\\"type\\\":\\\"pong\\\"}\"]\r\n\r\n");
    // sockjs-client reads eventsource data through decodeURI: a % goes as %25
    await(http.send(s, register(ADDRESS), ping()));
    await(stream.waitFor(st -> st.body().split("pong").length > 2));
    await(new Streams(vertx, ADDRESS, 1).publish(null, new JsonObject().put("text", "75 % and %25")));
    await(stream.waitFor(st -> st.body().contains("and")));
    await(stream.waitFor(st -> st.body().endsWith("\r\n\r\n")));
    assertThat(stream.body()).contains("75 %25 and %2525").doesNotContain("75 % ");
  }

  @Test
  void characters_browsers_mangle_are_escaped_on_the_wire(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions());
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(HttpMethod.POST, s + "/xhr_streaming"));
    await(http.send(s, register(ADDRESS), ping()));
    await(stream.waitFor(st -> st.messages().size() >= 1));
    String tricky = "a\u2028b\u2029c\u200cd\u206fe\ufff0f\uffffg\u0001h";
    await(new Streams(vertx, ADDRESS, 1).publish(null, new JsonObject().put("text", tricky)));
    await(stream.waitFor(st -> st.messages().size() >= 2));
    String wire = stream.body();
    assertThat(wire).doesNotContain("\u2028", "\u2029", "\u200c", "\u206f", "\ufff0", "\uffff", "\u0001")
        .contains("\\u2028", "\\u2029", "\\u200c", "\\u206f", "\\ufff0", "\\uffff");
    assertThat(stream.messages().get(1).getJsonObject("body").getString("text")).isEqualTo(tricky);
  }

  @Test
  void xhr_send_errors_are_the_protocol_answers_and_the_session_goes_on(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setMaxSendBytes(1024));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    assertThat(await(http.post(SockJsHttp.session() + "/xhr_send", "[\"x\"]")).status()).as("unknown session").isEqualTo(404);
    String s = SockJsHttp.session();
    await(http.post(s + "/xhr", null));
    SockJsHttp.Answer broken = await(http.post(s + "/xhr_send", "[\"x"));
    assertThat(broken.status()).isEqualTo(500);
    assertThat(broken.body()).contains("Broken JSON encoding.");
    SockJsHttp.Answer empty = await(http.post(s + "/xhr_send", ""));
    assertThat(empty.status()).isEqualTo(500);
    assertThat(empty.body()).contains("Payload expected.");
    assertThat(await(http.post(s + "/xhr_send", "[\"" + "y".repeat(2000) + "\"]")).status()).isEqualTo(413);
    for (String type : List.of("text/plain", "T", "application/json", "", "text/xml; charset=utf-8")) {
      assertThat(await(http.request(HttpMethod.POST, s + "/xhr_send", "[\"{\\\"type\\\":\\\"ping\\\"}\"]",
          Map.of("Content-Type", type))).status()).as(type).isEqualTo(204);
    }
    SockJsHttp.Answer poll = await(http.post(s + "/xhr", null));
    assertThat(poll.body()).isEqualTo("a[" + String.join(",", java.util.Collections.nCopies(5, "\"{\\\"type\\\":\\\"pong\\\"}\"")) + "]\n");
  }

  @Test
  void wrong_methods_get_405_with_allow_and_preflights_are_cached_for_a_year(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions());
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    for (String path : List.of("/xhr", "/xhr_send", "/xhr_streaming")) {
      SockJsHttp.Answer wrong = await(http.request(HttpMethod.GET, "/eventbus/abc/abc" + path, null, Map.of()));
      assertThat(wrong.status()).as(path).isEqualTo(405);
      assertThat(wrong.header("Allow")).isEqualTo("OPTIONS, POST");
      assertThat(wrong.header("Content-Type")).isNull();
      assertThat(wrong.body()).isEmpty();
      SockJsHttp.Answer pre = await(http.request(HttpMethod.OPTIONS, "/eventbus/abc/abc" + path, null,
          Map.of("Origin", "http://127.0.0.1:" + node.port(), "Access-Control-Request-Headers", "a, b")));
      assertThat(pre.status()).isEqualTo(204);
      assertThat(pre.header("Cache-Control")).contains("public").containsPattern("max-age=[1-9][0-9]{6}");
      assertThat(pre.header("Expires")).isNotBlank();
      assertThat(Long.parseLong(pre.header("Access-Control-Max-Age"))).isGreaterThan(1_000_000);
      assertThat(pre.header("Access-Control-Allow-Methods")).isEqualTo("OPTIONS, POST");
      assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("http://127.0.0.1:" + node.port());
      assertThat(pre.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(pre.header("Access-Control-Allow-Headers")).isEqualTo("a, b");
      assertThat(pre.body()).isEmpty();
    }
    assertThat(await(http.post("/eventbus/000/abc/eventsource", null)).status()).isEqualTo(405);
    assertThat(await(http.post("/eventbus/000/abc/websocket", null)).status()).isEqualTo(405);
    SockJsHttp.Answer info = await(http.request(HttpMethod.OPTIONS, "/eventbus/info", null, Map.of("Origin", "http://127.0.0.1:" + node.port())));
    assertThat(info.status()).isEqualTo(204);
    assertThat(info.header("Access-Control-Allow-Methods")).isEqualTo("OPTIONS, GET");
    for (String bad : List.of("/eventbus/a./a/xhr", "/eventbus/a/a./xhr", "/eventbus/a/xhr", "/eventbus/a/a/a/xhr", "/eventbus/a/a/htmlfile")) {
      assertThat(await(http.post(bad, null)).status()).as(bad).isEqualTo(404);
    }
  }

  @Test
  void info_tells_the_truth_and_disabled_transports_answer_404(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setDisabledTransports(List.of("websocket", "eventsource"))
        .setCookieNeeded(true));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    SockJsHttp.Answer first = await(http.request(HttpMethod.GET, "/eventbus/info", null, Map.of()));
    SockJsHttp.Answer second = await(http.request(HttpMethod.GET, "/eventbus/info", null, Map.of()));
    JsonObject info = new JsonObject(first.body());
    assertThat(info.getBoolean("websocket")).isFalse();
    assertThat(info.getBoolean("cookie_needed")).isTrue();
    assertThat(info.getJsonArray("origins").getList()).containsExactly("*:*");
    assertThat(info.getLong("entropy")).isBetween(0L, 0xFFFF_FFFFL).isNotEqualTo(new JsonObject(second.body()).getLong("entropy"));
    assertThat(first.header("Cache-Control")).isEqualTo(NO_CACHE);
    assertThat(first.header("Set-Cookie")).isNull();
    assertThat(await(http.request(HttpMethod.GET, "/eventbus/000/abc/eventsource", null, Map.of())).status()).isEqualTo(404);
    assertThat(await(http.request(HttpMethod.GET, "/eventbus/000/abc/websocket", null, Map.of("Upgrade", "websocket"))).status()).isEqualTo(404);

    SockJsHttp.Answer open = await(http.post(SockJsHttp.session() + "/xhr", null));
    assertThat(open.header("Set-Cookie")).startsWith("JSESSIONID=dummy;").containsIgnoringCase("path=/");
    SockJsHttp.Answer echoed = await(http.request(HttpMethod.POST, SockJsHttp.session() + "/xhr", null, Map.of("Cookie", "JSESSIONID=abcdef")));
    assertThat(echoed.body()).isEqualTo("o\n");
    assertThat(echoed.header("Set-Cookie")).startsWith("JSESSIONID=abcdef;");
  }

  @Test
  void origins_are_checked_as_for_the_upgrade(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setAllowedOrigins(List.of("https://ops.example.com")));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    SockJsHttp.Answer evil = await(http.request(HttpMethod.POST, SockJsHttp.session() + "/xhr", null, Map.of("Origin", "https://evil.example")));
    assertThat(evil.status()).isEqualTo(403);
    SockJsHttp.Answer preflight = await(http.request(HttpMethod.OPTIONS, SockJsHttp.session() + "/xhr_send", null, Map.of("Origin", "https://evil.example")));
    assertThat(preflight.status()).isEqualTo(403);
    SockJsHttp.Answer ok = await(http.request(HttpMethod.POST, SockJsHttp.session() + "/xhr", null, Map.of("Origin", "https://ops.example.com")));
    assertThat(ok.body()).isEqualTo("o\n");
    assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("https://ops.example.com");
    assertThat(ok.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(node.bridge.connections()).isEqualTo(1);
  }

  @Test
  void sessions_are_bounded_and_time_out_without_a_receiving_request(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setMaxHttpSessions(2).setSessionTimeout(300));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String a = SockJsHttp.session();
    String b = SockJsHttp.session();
    assertThat(await(http.post(a + "/xhr", null)).body()).isEqualTo("o\n");
    assertThat(await(http.post(b + "/xhr", null)).body()).isEqualTo("o\n");
    SockJsHttp.Answer third = await(http.post(SockJsHttp.session() + "/xhr", null));
    assertThat(third.status()).isEqualTo(503);
    assertThat(await(http.send(a, ping())).status()).as("the others go on").isEqualTo(204);
    assertThat(await(http.post(a + "/xhr", null)).body()).contains("pong");
    // nobody polls: both sessions close after the disconnect delay and leave the table
    await().atMost(Duration.ofSeconds(10)).until(() -> node.bridge.connections() == 0 && node.bridge.httpSessions() == 0);
    assertThat(await(http.send(a, ping())).status()).isEqualTo(404);
    assertThat(await(http.post(SockJsHttp.session() + "/xhr", null)).body()).isEqualTo("o\n");
  }

  @Test
  void a_closed_session_answers_its_close_frame_to_every_receiving_request(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setSessionTimeout(60_000));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(HttpMethod.POST, s + "/xhr_streaming"));
    await(stream.waitFor(st -> st.frames().contains("o")));
    await(node.bridge.shutdown("node_draining"));
    await(stream.waitFor(SockJsHttp.Stream::ended));
    assertThat(stream.frames()).containsExactly("o", "c[4000,\"node_draining\"]");
    assertThat(await(http.post(s + "/xhr", null)).body()).isEqualTo("c[4000,\"node_draining\"]\n");
    SockJsHttp.Stream again = await(http.open(HttpMethod.POST, s + "/xhr_streaming"));
    await(again.waitFor(SockJsHttp.Stream::ended));
    assertThat(again.frames()).containsExactly("c[4000,\"node_draining\"]");
    assertThat(await(http.post(SockJsHttp.session() + "/xhr", null)).status()).as("no new session while shutting down").isEqualTo(503);
  }

  @Test
  void a_client_that_aborts_its_stream_ends_the_session(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions());
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String s = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(HttpMethod.POST, s + "/xhr_streaming"));
    await(stream.waitFor(st -> st.frames().contains("o")));
    assertThat(node.bridge.connections()).isEqualTo(1);
    stream.response.request().connection().close();
    await().atMost(Duration.ofSeconds(10)).until(() -> node.bridge.connections() == 0);
    assertThat(await(http.post(s + "/xhr", null)).body()).isEqualTo("c[1002,\"Connection interrupted\"]\n");
  }

  @Test
  void heartbeats_reach_a_waiting_poll_and_a_stream(Vertx vertx) throws Exception {
    BridgeServer node = node(vertx, new BridgeOptions().setHeartbeatInterval(300));
    SockJsHttp http = new SockJsHttp(vertx, node.port());
    String polling = SockJsHttp.session();
    await(http.post(polling + "/xhr", null));
    SockJsHttp.Answer poll = await(http.post(polling + "/xhr", null));
    assertThat(poll.body()).as("nothing to say: the poll is answered with a heartbeat").isEqualTo("h\n");
    String streaming = SockJsHttp.session();
    SockJsHttp.Stream stream = await(http.open(HttpMethod.GET, streaming + "/eventsource"));
    await(stream.waitFor(st -> st.frames().stream().filter("h"::equals).count() >= 2));
    assertThat(stream.frames()).startsWith("o", "h", "h");
    assertThat(node.bridge.connections()).isEqualTo(2);
  }
}
