package dev.opshub.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * SockJS xhr-streaming (sockjs-protocol 0.3.3): {@code POST <session>/xhr_streaming} held open, its body read as
 * frames ending in {@code \n} (the 2048-byte {@code h} prelude, {@code o}, {@code h}, {@code a[...]}, {@code c[...]});
 * when the server ends a response without a close frame (its response limit), a new streaming request continues the
 * same session. Messages go out one {@code POST <session>/xhr_send} at a time, carrying a JSON array of what queued.
 */
final class XhrStreamingLink implements SockJsLink {

  /** Messages waiting for the xhr_send in flight to finish; more are dropped and counted as an error. */
  static final int MAX_QUEUED_MESSAGES = 256;
  /** Tries of a new streaming request after the server ended one (a status other than 200 is not retried). */
  static final int REOPEN_ATTEMPTS = 3;
  /** Bytes of one frame (one line of the body). */
  static final int MAX_FRAME_BYTES = 16 << 20;

  private final HttpClient client;
  private final String host;
  private final int port;
  private final String sessionPath;
  private final RunState run;
  private final ArrayDeque<String> outbox = new ArrayDeque<>();
  private final List<Buffer> early = new ArrayList<>();
  private Consumer<Buffer> frames;
  private Runnable closed;
  private HttpClientResponse response;
  private Buffer line = Buffer.buffer();
  private boolean sending;
  private boolean paused;
  private boolean closeFrameSeen;
  private boolean ended;
  private String reason;
  private int responses;

  private XhrStreamingLink(HttpClient client, String host, int port, String sessionPath, RunState run) {
    this.client = client;
    this.host = host;
    this.port = port;
    this.sessionPath = sessionPath;
    this.run = run;
  }

  /** Opens the session's first streaming response; fails on a status other than 200 or a refused connection. */
  static Future<SockJsLink> open(HttpClient client, String host, int port, String sessionPath, RunState run) {
    XhrStreamingLink link = new XhrStreamingLink(client, host, port, sessionPath, run);
    return link.stream().map(v -> link);
  }

  /** Streaming responses this session has read (1 + reopenings after the server's response limit). */
  int responses() {
    return responses;
  }

  private Future<Void> stream() {
    return client.request(options("/xhr_streaming"))
      .compose(HttpClientRequest::send)
      .compose(r -> {
        if (r.statusCode() != 200) {
          r.request().reset();
          return Future.failedFuture(new IllegalStateException("xhr_streaming status " + r.statusCode()));
        }
        attach(r);
        return Future.succeededFuture();
      });
  }

  private RequestOptions options(String transport) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(sessionPath + transport);
  }

  private void attach(HttpClientResponse r) {
    response = r;
    responses++;
    line = Buffer.buffer();
    r.handler(this::onData);
    r.endHandler(v -> onEnd(r));
    r.exceptionHandler(e -> {
      if (response == r) finish("connection_dropped");
    });
    if (paused) r.pause();
  }

  private void onData(Buffer chunk) {
    int start = 0;
    for (int i = 0; i < chunk.length(); i++) {
      if (chunk.getByte(i) != '\n') continue;
      line.appendBuffer(chunk, start, i - start);
      start = i + 1;
      Buffer frame = line;
      line = Buffer.buffer();
      onFrame(frame);
    }
    if (start < chunk.length()) {
      if (line.length() + chunk.length() - start > MAX_FRAME_BYTES) {
        run.error("message_too_large");
        close();
        return;
      }
      line.appendBuffer(chunk, start, chunk.length() - start);
    }
  }

  private void onFrame(Buffer frame) {
    if (frame.length() == 0) return;
    if (frame.getByte(0) == 'c') closeFrameSeen = true;
    if (frames == null) {
      if (early.size() < 16) early.add(frame);
      return;
    }
    frames.accept(frame);
  }

  private void onEnd(HttpClientResponse r) {
    if (response != r || ended) return;
    response = null;
    if (closeFrameSeen) {
      finish("closed_by_server");
      return;
    }
    // the server's response limit: the session goes on in a new streaming request
    reopen(REOPEN_ATTEMPTS);
  }

  /** A pooled keep-alive connection the server is closing just then fails the request: another one is tried. */
  private void reopen(int attempts) {
    stream().onFailure(e -> {
      if (ended) return;
      if (attempts > 1 && !(e instanceof IllegalStateException)) {
        reopen(attempts - 1);
      } else {
        finish("reopen_failed: " + e.getMessage());
      }
    });
  }

  @Override
  public void handlers(Consumer<Buffer> frames, Runnable closed) {
    this.frames = frames;
    this.closed = closed;
    early.forEach(frames);
    early.clear();
    if (ended) closed.run();
  }

  @Override
  public void send(String message) {
    if (ended) return;
    if (outbox.size() >= MAX_QUEUED_MESSAGES) {
      run.error("send_queue_full");
      return;
    }
    outbox.add(message);
    flush();
  }

  private void flush() {
    if (sending || outbox.isEmpty() || ended) return;
    JsonArray batch = new JsonArray();
    while (!outbox.isEmpty()) batch.add(outbox.poll());
    sending = true;
    client.request(options("/xhr_send"))
      .compose(request -> request.send(batch.encode()))
      .compose(r -> r.body().map(body -> r.statusCode()))
      .onComplete(ar -> {
        sending = false;
        if (ar.failed()) {
          if (!ended) run.error("xhr_send_failed");
        } else if (ar.result() != 204) {
          run.error("xhr_send_status_" + ar.result());
        }
        flush();
      });
  }

  @Override
  public void pause() {
    paused = true;
    if (response != null) response.pause();
  }

  @Override
  public void resume() {
    paused = false;
    if (response != null) response.resume();
  }

  @Override
  public void close() {
    HttpClientResponse r = response;
    response = null;
    if (r != null) r.request().reset();
    finish("client_close");
  }

  private void finish(String why) {
    if (ended) return;
    ended = true;
    reason = why;
    response = null;
    outbox.clear();
    if (closed != null) closed.run();
  }

  @Override
  public boolean isClosed() {
    return ended;
  }

  @Override
  public String closeReason() {
    return "xhr " + reason;
  }
}
