package dev.opshub.web.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** A test client of the SockJS HTTP transports: plain requests, and streaming responses read as they come. */
final class SockJsHttp {

  /** A complete answer. */
  record Answer(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final HttpClient client;
  private final Context context;
  private final int port;

  SockJsHttp(Vertx vertx, int port) {
    this(vertx, port, true);
  }

  /** @param keepAlive false: a connection per request (spread over the server instances' event loops) */
  SockJsHttp(Vertx vertx, int port, boolean keepAlive) {
    // a pool large enough that a waiting poll or stream never holds back another request
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(keepAlive), new PoolOptions().setHttp1MaxSize(16));
    // requests start on an event-loop context, so a response's handlers are set before its first chunk is read
    this.context = vertx.getOrCreateContext();
    this.port = port;
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> task) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> task.get().onComplete(promise));
    return promise.future();
  }

  /** A fresh session URL prefix: {@code /eventbus/000/<id>}. */
  static String session() {
    return "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8);
  }

  Future<Answer> request(HttpMethod method, String uri, String body, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::addHeader);
    return onContext(() -> client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(res -> res.body().map(b -> new Answer(res.statusCode(), res.headers(), b.toString(StandardCharsets.UTF_8)))));
  }

  Future<Answer> post(String uri, String body) {
    return request(HttpMethod.POST, uri, body, Map.of());
  }

  /** {@code xhr_send} of bridge messages as one SockJS frame. */
  Future<Answer> send(String session, JsonObject... messages) {
    JsonArray frame = new JsonArray();
    for (JsonObject m : messages) {
      frame.add(m.encode());
    }
    return post(session + "/xhr_send", frame.encode());
  }

  /**
   * Polls {@code xhr} at least once and until {@code n} bridge messages of type {@code rec} came (at most 500 polls);
   * returns every message.
   */
  List<JsonObject> pollFor(String session, int n) throws Exception {
    List<JsonObject> got = new ArrayList<>();
    for (int i = 0; i == 0 || (i < 500 && got.stream().filter(m -> "rec".equals(m.getString("type"))).count() < n); i++) {
      Answer poll = SockJsClient.await(post(session + "/xhr", null));
      for (String frame : poll.body().split("\n")) {
        if (frame.startsWith("a[")) {
          new JsonArray(frame.substring(1)).forEach(e -> got.add(new JsonObject((String) e)));
        }
      }
    }
    return got;
  }

  /** Opens a streaming (or long-polling) response and records its body as it arrives. */
  Future<Stream> open(HttpMethod method, String uri, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::addHeader);
    return onContext(() -> client.request(options).compose(req -> req.send()).map(Stream::new));
  }

  Future<Stream> open(HttpMethod method, String uri) {
    return open(method, uri, Map.of());
  }

  /** A response read as it arrives. */
  static final class Stream {
    final HttpClientResponse response;
    private final StringBuilder body = new StringBuilder();
    private volatile boolean ended;
    private final List<Map.Entry<Predicate<Stream>, Promise<Void>>> waiters = new ArrayList<>();

    private Stream(HttpClientResponse response) {
      this.response = response;
      response.handler(this::onChunk);
      response.endHandler(v -> {
        ended = true;
        check();
      });
      response.exceptionHandler(e -> {
        ended = true;
        check();
      });
    }

    private void onChunk(Buffer chunk) {
      synchronized (body) {
        body.append(chunk.toString(StandardCharsets.UTF_8));
      }
      check();
    }

    String body() {
      synchronized (body) {
        return body.toString();
      }
    }

    boolean ended() {
      return ended;
    }

    /** The bridge messages of every {@code a[...]} frame so far (xhr framing or eventsource {@code data:} lines). */
    List<JsonObject> messages() {
      List<JsonObject> out = new ArrayList<>();
      for (String frame : frames()) {
        if (frame.startsWith("a[")) {
          for (Object element : new JsonArray(frame.substring(1))) {
            out.add(new JsonObject((String) element));
          }
        }
      }
      return out;
    }

    /** The SockJS frames so far, framing and prelude removed. */
    List<String> frames() {
      List<String> out = new ArrayList<>();
      for (String line : body().split("\r?\n")) {
        String frame = line.startsWith("data: ") ? line.substring(6) : line;
        if (!frame.isEmpty() && !(frame.length() == 2048 && frame.chars().allMatch(c -> c == 'h'))) {
          out.add(frame);
        }
      }
      return out;
    }

    Future<Void> waitFor(Predicate<Stream> condition) {
      Promise<Void> promise = Promise.promise();
      synchronized (waiters) {
        waiters.add(Map.entry(condition, promise));
      }
      check();
      return promise.future();
    }

    private void check() {
      List<Promise<Void>> done = new ArrayList<>();
      synchronized (waiters) {
        for (Iterator<Map.Entry<Predicate<Stream>, Promise<Void>>> it = waiters.iterator(); it.hasNext(); ) {
          var w = it.next();
          if (w.getKey().test(this)) {
            it.remove();
            done.add(w.getValue());
          }
        }
      }
      done.forEach(Promise::tryComplete);
    }
  }
}
