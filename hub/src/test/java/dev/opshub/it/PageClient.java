package dev.opshub.it;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A page-like client of one web node, over the SockJS WebSocket transport and the event-bus bridge protocol, as
 * {@code /ops} speaks it: it registers on streams, remembers the greatest {@code epoch} header it saw, and asks the
 * node {@code ops.ping} (whose answer says what the node knows of the engine). Messages are kept for
 * {@link #awaitMessage}; a closed socket is noticed ({@link #isOpen()}).
 */
final class PageClient implements AutoCloseable {

  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>(20_000);
  private final ConcurrentHashMap<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
  private final AtomicLong greatestEpoch = new AtomicLong();
  private final AtomicInteger replyIds = new AtomicInteger();
  private volatile boolean open = true;

  private PageClient(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(this::onFrame);
    socket.closeHandler(v -> open = false);
  }

  /** Opens a WebSocket session on {@code host:port}'s {@code /eventbus}. */
  static PageClient connect(Vertx vertx, String host, int port) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    String path = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/websocket";
    WebSocket socket = client.connect(port, host, path).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new PageClient(socket);
  }

  private void onFrame(String frame) {
    if (!frame.startsWith("a")) {
      return;
    }
    for (Object item : new JsonArray(frame.substring(1))) {
      JsonObject message = new JsonObject((String) item);
      String address = message.getString("address");
      CompletableFuture<JsonObject> reply = address == null ? null : replies.remove(address);
      if (reply != null) {
        reply.complete(message);
        continue;
      }
      JsonObject headers = message.getJsonObject("headers");
      if (headers != null && headers.getString(Headers.EPOCH) != null) {
        greatestEpoch.accumulateAndGet(Long.parseLong(headers.getString(Headers.EPOCH)), Math::max);
      }
      received.offer(message);
    }
  }

  void register(String address) throws Exception {
    send(new JsonObject().put("type", "register").put("address", address));
  }

  /** The web node's answer to {@code ops.ping}: {@code ts}, {@code nodeId} and, with the hub, {@code engine}. */
  JsonObject ping(Duration timeout) throws Exception {
    String replyAddress = "ping-" + replyIds.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    replies.put(replyAddress, reply);
    send(new JsonObject().put("type", "send").put("address", Addresses.PING).put("replyAddress", replyAddress)
        .put("body", new JsonObject()));
    try {
      return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getJsonObject("body");
    } finally {
      replies.remove(replyAddress);
    }
  }

  private void send(JsonObject message) throws Exception {
    socket.writeTextMessage(new JsonArray().add(message.encode()).encode()).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  /** The next {@code rec} on {@code address} that {@code wanted} accepts (others are dropped), or an error after {@code timeout}. */
  JsonObject awaitMessage(String address, Predicate<JsonObject> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject message = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new AssertionError("no wanted message on " + address + " within " + timeout);
      }
      if ("err".equals(message.getString("type"))) {
        throw new AssertionError("bridge error: " + message.encode());
      }
      if ("rec".equals(message.getString("type")) && address.equals(message.getString("address")) && wanted.test(message)) {
        return message;
      }
    }
  }

  /** The epoch of a {@code rec}, 0 when it has none. */
  static long epoch(JsonObject rec) {
    JsonObject headers = rec.getJsonObject("headers");
    String epoch = headers == null ? null : headers.getString(Headers.EPOCH);
    return epoch == null ? 0 : Long.parseLong(epoch);
  }

  /** True for a live message (not part of a snapshot). */
  static boolean live(JsonObject rec) {
    JsonObject headers = rec.getJsonObject("headers");
    return headers == null || !"true".equals(headers.getString(Headers.SNAPSHOT));
  }

  /** The greatest epoch header this client has seen on any stream. */
  long greatestEpoch() {
    return greatestEpoch.get();
  }

  boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (open) {
      socket.close();
    }
  }
}
