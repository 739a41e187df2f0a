package dev.opshub.web.bridge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A test client speaking SockJS (WebSocket transport) and the event-bus bridge protocol, recording what it gets. */
final class SockJsClient {

  final WebSocket ws;
  /** Held so the client is not garbage-collected (and closed) while its socket lives. */
  private final WebSocketClient client;
  final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  /** Messages per {@code a[...]} frame, in arrival order. */
  final List<Integer> frames = new CopyOnWriteArrayList<>();
  volatile boolean opened;
  volatile int heartbeats;
  volatile String closeFrame;
  volatile boolean socketClosed;
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(Predicate<SockJsClient> condition, Promise<Void> promise) {
  }

  private SockJsClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(this::onText);
    ws.closeHandler(v -> {
      socketClosed = true;
      check();
    });
  }

  static Future<SockJsClient> connect(Vertx vertx, int port) {
    return connect(vertx, port, null, new WebSocketClientOptions());
  }

  static Future<SockJsClient> connect(Vertx vertx, int port, String origin, WebSocketClientOptions clientOptions) {
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/123/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket");
    if (origin != null) {
      connect.addHeader("Origin", origin);
    }
    // connect from an event-loop context, so the handlers are set by the time the connection's first frame is read:
    // called from the test thread, the connect future could complete (and the server's "o" frame arrive, with no
    // handler yet to take it) before map() attached its callback on this thread; one test waited 20 s for an "o"
    Promise<SockJsClient> connected = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      WebSocketClient client = vertx.createWebSocketClient(clientOptions);
      client.connect(connect).map(ws -> new SockJsClient(client, ws)).onComplete(connected);
    });
    return connected.future();
  }

  /** Connects and waits for the SockJS open frame. */
  static SockJsClient open(Vertx vertx, int port) throws Exception {
    SockJsClient client = await(connect(vertx, port));
    await(client.waitFor(c -> c.opened));
    return client;
  }

  private void onText(String text) {
    if (text.equals("o")) {
      opened = true;
    } else if (text.equals("h")) {
      heartbeats++;
    } else if (text.startsWith("a")) {
      JsonArray array = new JsonArray(text.substring(1));
      for (Object element : array) {
        messages.add(new JsonObject((String) element));
      }
      frames.add(array.size());
    } else if (text.startsWith("c")) {
      closeFrame = text;
    }
    check();
  }

  private void check() {
    List<Waiter> done = new ArrayList<>();
    synchronized (waiters) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.condition.test(this)) {
          it.remove();
          done.add(w);
        }
      }
    }
    done.forEach(w -> w.promise.tryComplete());
  }

  /** Completes when the condition holds (checked now and after every frame received). */
  Future<Void> waitFor(Predicate<SockJsClient> condition) {
    Promise<Void> promise = Promise.promise();
    synchronized (waiters) {
      waiters.add(new Waiter(condition, promise));
    }
    check();
    return promise.future();
  }

  void send(JsonObject... bridgeMessages) {
    JsonArray frame = new JsonArray();
    for (JsonObject m : bridgeMessages) {
      frame.add(m.encode());
    }
    ws.writeTextMessage(frame.encode());
  }

  void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  /** Sends a SockJS-level ping and waits for its pong: everything sent before has been handled. */
  void sync() throws Exception {
    long pongs = count("pong");
    send(new JsonObject().put("type", "ping"));
    await(waitFor(c -> c.count("pong") > pongs));
  }

  void register(String address) throws Exception {
    register(address, null);
  }

  void register(String address, JsonObject headers) throws Exception {
    JsonObject m = new JsonObject().put("type", "register").put("address", address);
    if (headers != null) {
      m.put("headers", headers);
    }
    send(m);
    sync();
  }

  long count(String type) {
    return messages.stream().filter(m -> type.equals(m.getString("type"))).count();
  }

  List<JsonObject> received(String address) {
    return messages.stream().filter(m -> "rec".equals(m.getString("type")) && address.equals(m.getString("address")))
        .collect(Collectors.toList());
  }

  List<JsonObject> errors() {
    return messages.stream().filter(m -> "err".equals(m.getString("type"))).collect(Collectors.toList());
  }

  Future<Void> waitForErrors(int n) {
    return waitFor(c -> c.errors().size() >= n);
  }

  Future<Void> waitForReceived(String address, int n) {
    return waitFor(c -> c.received(address).size() >= n);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
