package dev.opshub.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A page-like client of a web node's bridge: registers on streams as {@code /ops} does and keeps every message it
 * receives, in order, with its arrival time, so a test can check what a viewer saw (no event twice, no state going
 * back) after the fact. Pings every 5 s like the official client.
 */
final class ViewerClient implements AutoCloseable {

  /** One message as it arrived: the bridge message ({@code rec}/{@code err}) and when, {@code System.nanoTime()}. */
  record Received(JsonObject message, long atNanos) {
    String address() {
      return message.getString("address");
    }

    JsonObject body() {
      return message.getJsonObject("body");
    }

    JsonObject headers() {
      return message.getJsonObject("headers", new JsonObject());
    }
  }

  private final Vertx vertx;
  private final WebSocket socket;
  private final List<Received> received = new ArrayList<>();
  private final long pinger;

  private ViewerClient(Vertx vertx, WebSocket socket) {
    this.vertx = vertx;
    this.socket = socket;
    socket.textMessageHandler(this::onFrame);
    pinger = vertx.setPeriodic(5_000, t -> socket.writeTextMessage(new JsonArray()
        .add(new JsonObject().put("type", "ping").encode()).encode()));
  }

  static ViewerClient connect(Vertx vertx, int port) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    String path = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/websocket";
    WebSocket socket = client.connect(port, "127.0.0.1", path).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    return new ViewerClient(vertx, socket);
  }

  private void onFrame(String frame) {
    if (frame.startsWith("a")) {
      long now = System.nanoTime();
      synchronized (received) {
        for (Object message : new JsonArray(frame.substring(1))) {
          received.add(new Received(new JsonObject((String) message), now));
        }
      }
    }
  }

  void register(String... addresses) throws Exception {
    for (String address : addresses) {
      socket.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "register").put("address", address)
          .encode()).encode()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Registers asking for a snapshot first (the newest message per key), as a page that opens does. */
  void registerWithSnapshot(String... addresses) throws Exception {
    for (String address : addresses) {
      socket.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "register").put("address", address)
          .put("headers", new JsonObject().put("snapshot", "true")).encode()).encode())
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Registers on {@code address} with register {@code headers} (resume: {@code epoch} and {@code offset}). */
  void register(String address, JsonObject headers) throws Exception {
    socket.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "register").put("address", address)
        .put("headers", headers).encode()).encode()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** Every message so far, in arrival order. */
  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  boolean closed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    socket.close();
  }
}
