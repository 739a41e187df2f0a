package dev.opshub.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The connections one event loop owns. The coordinator ({@link LoadRun}) drives it through methods that hop onto
 * this verticle's context, so every connection is only ever touched by one thread.
 */
final class ClientLoopVerticle extends VerticleBase {

  static final String PING = new JsonObject().put("type", "ping").encode();
  private static final String SESSION_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int CONNECT_TIMEOUT_MS = 15_000;
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private final LoadOptions options;
  private final RunState run;
  private final List<Integer> indices;
  private final int connectLimit;
  private final List<BenchConnection> connections = new ArrayList<>();
  private final Map<String, WebSocketClient> clients = new HashMap<>();
  private final Map<String, HttpClient> httpClients = new HashMap<>();
  private final BridgeMessage scratch = new BridgeMessage();
  private final FrameScanner scanner = new FrameScanner();
  private byte[] frameBytes = new byte[4096];
  private final JsonFactory jsonFactory = new JsonFactory();
  private SingleWriterRecorder recorder;

  private int next;
  private int inFlight;
  private Promise<Void> connected;

  ClientLoopVerticle(LoadOptions options, RunState run, List<Integer> indices, int connectLimit) {
    this.options = options;
    this.run = run;
    this.indices = indices;
    this.connectLimit = Math.max(1, connectLimit);
  }

  @Override
  public Future<?> start() {
    recorder = run.newRecorder();
    for (int index : indices) {
      connections.add(new BenchConnection(this, run, index, index < options.stall()));
    }
    return Future.succeededFuture();
  }

  /** Opens every connection, at most connectLimit handshakes at a time; completes when all were tried. */
  Future<Void> connectAll() {
    return onContext(() -> {
      connected = Promise.promise();
      pump();
      return connected.future();
    }).compose(f -> f);
  }

  private void pump() {
    while (inFlight < connectLimit && next < connections.size()) {
      BenchConnection connection = connections.get(next++);
      inFlight++;
      run.attempted.incrementAndGet();
      connection.connect().onComplete(ar -> {
        inFlight--;
        pump();
      });
    }
    if (inFlight == 0 && next >= connections.size()) connected.tryComplete();
  }

  /** Pauses the stalling connections, resumes them after stallFor seconds. */
  Future<Integer> stall() {
    return onContext(() -> {
      int stalled = 0;
      for (BenchConnection c : connections) {
        if (c.stalls && c.state() == BenchConnection.State.OPEN) {
          c.stall();
          stalled++;
        }
      }
      if (stalled > 0) {
        vertx.setTimer(options.stallForSeconds() * 1000L, id -> connections.forEach(c -> c.unstall(options.drainMs())));
      }
      return stalled;
    });
  }

  /** Stall reports of this loop's stalling connections, and per-connection seq figures. */
  Future<List<StallReport>> stallReports() {
    return onContext(() -> {
      List<StallReport> reports = new ArrayList<>();
      for (BenchConnection c : connections) {
        if (c.stalls) reports.add(c.stallReport());
      }
      return reports;
    });
  }

  Future<Void> shutdown() {
    return onContext(() -> {
      connections.forEach(BenchConnection::shutdown);
      return null;
    });
  }

  // ---- used by the connections (on this loop) ----

  /** Opens a new SockJS session over the run's transport. */
  Future<SockJsLink> openLink(int index) {
    if (options.transportKind() == SockJsLink.Transport.XHR_STREAMING) {
      HttpClient client = httpClients.computeIfAbsent(sourceAddress(index), this::newHttpClient);
      return XhrStreamingLink.open(client, options.host(), options.port(), sessionPath(), run);
    }
    boolean stalls = index < options.stall() && options.stallReceiveBuffer() > 0;
    WebSocketClient client = clients.computeIfAbsent(sourceAddress(index) + (stalls ? "#stall" : ""), this::newClient);
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
      .setHost(options.host())
      .setPort(options.port())
      .setURI(sessionPath() + "/websocket")
      .setConnectTimeout(CONNECT_TIMEOUT_MS);
    return client.connect(connect).map(ws -> new WebSocketLink(ws, run));
  }

  /** Keep-alive HTTP/1.1: per session one connection held by the streaming response, one for its sends. */
  private HttpClient newHttpClient(String localAddress) {
    HttpClientOptions clientOptions = new HttpClientOptions()
      .setConnectTimeout(CONNECT_TIMEOUT_MS)
      .setTcpNoDelay(true)
      .setKeepAlive(true);
    if (!localAddress.isEmpty()) clientOptions.setLocalAddress(localAddress);
    return vertx.createHttpClient(clientOptions, new PoolOptions().setHttp1MaxSize(2 * options.connections() + 16));
  }

  private WebSocketClient newClient(String key) {
    boolean stalls = key.endsWith("#stall");
    String localAddress = stalls ? key.substring(0, key.length() - "#stall".length()) : key;
    WebSocketClientOptions clientOptions = new WebSocketClientOptions()
      .setMaxConnections(Math.max(options.connections(), 1) + 16)
      .setMaxFrameSize(MAX_FRAME_BYTES)
      .setMaxMessageSize(MAX_FRAME_BYTES * 4)
      .setConnectTimeout(CONNECT_TIMEOUT_MS)
      .setTcpNoDelay(true);
    if (!localAddress.isEmpty()) clientOptions.setLocalAddress(localAddress);
    // a fixed SO_RCVBUF turns off receive-window autotuning (up to tcp_rmem max, 32 MB here) for stalling sockets
    if (stalls) clientOptions.setReceiveBufferSize(options.stallReceiveBuffer());
    return vertx.createWebSocketClient(clientOptions);
  }

  /** "" (let the kernel pick) while one source address has ports enough, else 127.0.0.1, 127.0.0.2, ... */
  private String sourceAddress(int index) {
    if (options.connections() <= options.connectionsPerSource()) return "";
    int source = index / options.connectionsPerSource();
    return "127.0.0." + (1 + source);
  }

  /** {@code /eventbus/<3 digits>/<session>}, as the SockJS client builds it (the transport name follows). */
  private String sessionPath() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder uri = new StringBuilder(options.basePath()).append('/');
    uri.append(String.format("%03d", random.nextInt(1000))).append('/');
    for (int i = 0; i < 12; i++) uri.append(SESSION_CHARS.charAt(random.nextInt(SESSION_CHARS.length())));
    return uri.toString();
  }

  Vertx vertx() {
    return vertx;
  }

  /** The addresses every connection registers on ({@code --address a,b,c}). */
  String[] addresses() {
    return options.address().split(",");
  }

  long handshakeTimeout() {
    return options.handshakeTimeoutMs();
  }

  long pingInterval() {
    return options.pingIntervalMs();
  }

  /** Spreads the pings of connections opened in the same instant over the interval. */
  long pingJitter() {
    return 1 + ThreadLocalRandom.current().nextLong(options.pingIntervalMs());
  }

  /**
   * This loop's buffer for the frame being read, at least {@code length} bytes (a copy per frame allocated about
   * 7 KB per frame at 20,000 frames/s: a young collection every 2 s and the client's CPU taken from the server).
   */
  byte[] frameBytes(int length) {
    if (frameBytes.length < length) {
      frameBytes = new byte[Math.max(length, 2 * frameBytes.length)];
    }
    return frameBytes;
  }

  FrameScanner scanner() {
    return scanner;
  }

  BridgeMessage scratch() {
    return scratch;
  }

  void recordLatency(long micros) {
    recorder.recordValue(Math.min(micros, RunState.HIGHEST_LATENCY_MICROS));
  }

  /** Calls {@code each} with every string of a SockJS {@code a[...]} frame. */
  void forEachMessage(String frame, Consumer<String> each) {
    try (JsonParser parser = jsonFactory.createParser(frame.substring(1))) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        run.error("bad_frame");
        return;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
        each.accept(parser.getText());
      }
      if (token != JsonToken.END_ARRAY) run.error("bad_frame");
    } catch (IOException e) {
      run.error("bad_frame");
    }
  }

  private <T> Future<T> onContext(Callable<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
