package dev.opshub.web.bridge;

import dev.opshub.contract.CloseReason;
import dev.opshub.contract.MapNames;
import dev.opshub.contract.NodeLocalMap;
import dev.opshub.web.bridge.delivery.DeliverySettings;
import dev.opshub.web.bridge.delivery.FlushScheduler;
import dev.opshub.web.bridge.delivery.SharedFrames;
import dev.opshub.web.bridge.delivery.VertxEventLoop;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import dev.opshub.web.bridge.protocol.ProtocolSettings;
import dev.opshub.web.bridge.subscription.NodeTable;
import dev.opshub.web.bridge.subscription.TableSettings;
import dev.opshub.web.bridge.transport.ClientTransport;
import dev.opshub.web.bridge.transport.HttpSessionTable;
import dev.opshub.web.bridge.transport.OriginPolicy;
import dev.opshub.web.bridge.transport.SockJsEndpoints;
import dev.opshub.web.bridge.transport.SockJsFrames;
import dev.opshub.web.bridge.transport.TransportSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fan-out bridge: browsers reach {@code ops.*} event-bus addresses over SockJS, speaking the Vert.x event-bus
 * bridge protocol, so {@code @vertx/eventbus-bridge-client.js} works unchanged; one event-bus consumer per address
 * per node, each message encoded once, per-connection batching and bounded queues, resume and snapshot. Protocol,
 * options, close codes and metrics: docs/BRIDGE.md; the layers: docs/ARCHITECTURE.md.
 * <pre>{@code
 * FanoutBridge bridge = FanoutBridge.create(vertx, options, registry);
 * bridge.start();                      // on the context that owns the node table
 * bridge.mount(router, "/eventbus");   // per HTTP server; connections live on any event loop
 * bridge.shutdown("node_shutdown");    // every client gets c[4000,"node_shutdown"] and reconnects elsewhere
 * }</pre>
 */
public final class FanoutBridge implements SockJsEndpoints.Acceptor {

  private final Vertx vertx;
  private final BridgeOptions options;
  private final BridgeMetrics metrics;
  private final NodeTable table;
  private final DeliverySettings delivery;
  private final ProtocolSettings protocol;
  private final TransportSettings transports;
  private final HttpSessionTable httpSessions;
  private final Set<BridgeConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger admitted = new AtomicInteger();
  /** The flush scheduler of each event loop that holds connections. */
  private final Map<Thread, FlushScheduler> schedulers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean shuttingDown;
  private volatile Future<Void> shutdown;
  private volatile ParsedStatus engineStatus;

  private FanoutBridge(Vertx vertx, BridgeOptions options, MeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = new BridgeOptions(Objects.requireNonNull(options, "options"));
    this.metrics = new BridgeMetrics(registry == null ? new SimpleMeterRegistry() : registry);
    BridgeOptions o = this.options;
    this.table = new NodeTable(vertx, new TableSettings(o.getHistorySize(), o.getHistoryMaxAge(), o.getSnapshotMaxKeys(),
        o.getMaxHandOffMessages(), o.getMaxAddresses(), o.getMaxIngressLag(), o.getDuplicateWindow()), metrics);
    long linger = Math.min(o.getBatchLinger(), o.getMaxBatchDelay());
    long fillWait = Math.min(o.getBatchFillWait(), o.getMaxBatchDelay());
    this.delivery = new DeliverySettings(o.getMaxBatchMessages(), TimeUnit.MILLISECONDS.toNanos(linger),
        TimeUnit.MILLISECONDS.toNanos(fillWait), o.getFlushGroups(), o.getMaxQueueMessages(), o.getMaxQueueBytes(),
        o.isConflation(), TimeUnit.MILLISECONDS.toNanos(o.getSlowConsumerGrace()));
    this.protocol = new ProtocolSettings(o.getMaxFrameSize(), o.getMaxMessageSize(), o.getMaxSubscriptions(),
        o.getMaxInboundPerSecond(), o.getReplyTimeout(), o.getNodeId(), o.getOperatorToken(), this::engineStatus);
    this.transports = new TransportSettings(Set.copyOf(o.getDisabledTransports()), o.isCookieNeeded(),
        TimeUnit.MILLISECONDS.toNanos(o.getSessionTimeout()), o.getMaxHttpSessions(), o.getMaxSendBytes(),
        o.getResponseLimit());
    this.httpSessions = new HttpSessionTable(o.getMaxHttpSessions());
  }

  /** @param registry where the {@code opshub.bridge.*} meters go; null for a private one */
  public static FanoutBridge create(Vertx vertx, BridgeOptions options, MeterRegistry registry) {
    return new FanoutBridge(vertx, options, registry);
  }

  /** Takes the current context for the node table and creates the node-level consumers of the configured streams. */
  public Future<Void> start() {
    return table.start(options.getStreams());
  }

  /**
   * Mounts the SockJS endpoints under {@code path} (e.g. {@code /eventbus}): {@code path/info}, {@code path} and
   * {@code path/<server>/<session>/websocket}, {@code xhr_streaming}, {@code xhr}, {@code eventsource},
   * {@code xhr_send} (those not disabled); before any body handler on those paths. Every router of the node shares
   * one table of HTTP sessions.
   */
  public void mount(Router router, String path) {
    new SockJsEndpoints(vertx, new OriginPolicy(options.getAllowedOrigins()), metrics, this,
        () -> options.getNodeId() + "-" + ids.incrementAndGet(), transports, httpSessions).mount(router, path);
  }

  /** Open HTTP-transport sessions (closed ones still answering their close frame included); for tests. */
  int httpSessions() {
    return httpSessions.size();
  }

  /** Open connections of this bridge. */
  public int connections() {
    return connections.size();
  }

  /** Distinct event loops the open connections live on (they spread over the HTTP server instances). */
  public int eventLoops() {
    return (int) connections.stream().map(BridgeConnection::scheduler).distinct().count();
  }

  /**
   * Closes every connection with {@code c[4000,"<reason>"]} so clients reconnect elsewhere, refuses new ones, and
   * removes the node-level consumers. Completes when every client has been told (at most about a second); a second
   * call returns the first one's future.
   */
  public synchronized Future<Void> shutdown(String reason) {
    if (shutdown != null) {
      return shutdown;
    }
    shuttingDown = true;
    List<Future<Void>> told = new ArrayList<>();
    for (BridgeConnection c : connections) {
      told.add(onContext(c.context(), () -> c.close(CloseReason.NODE_SHUTDOWN.code(), reason)));
    }
    shutdown = Future.join(Future.join(told), table.shutdown()).mapEmpty();
    return shutdown;
  }

  @Override
  public boolean accepting() {
    return !shuttingDown;
  }

  @Override
  public void accept(ClientTransport transport, Context context) {
    if (admitted.incrementAndGet() > options.getMaxConnections()) {
      admitted.decrementAndGet();
      metrics.closes(CloseReason.TOO_MANY_CONNECTIONS.reason()).increment();
      transport.close(SockJsFrames.close(CloseReason.TOO_MANY_CONNECTIONS), CloseReason.TOO_MANY_CONNECTIONS.reason());
      return;
    }
    FlushScheduler scheduler = schedulers.computeIfAbsent(Thread.currentThread(),
        t -> new FlushScheduler(new VertxEventLoop(context), new SharedFrames(metrics, options.getMaxBatchMessages())));
    BridgeConnection connection = new BridgeConnection(this, transport, context, scheduler);
    connections.add(connection);
    metrics.connectionOpened();
    connection.start();
  }

  /** Open connections whose frames go straight to their socket (epoll, no TLS); for tests. */
  long directConnections() {
    return connections.stream().filter(BridgeConnection::writesDirectly).count();
  }

  /** The context that owns the node table and its event-bus consumers (null before the first use); for tests. */
  Context tableContext() {
    return table.context();
  }

  BridgeOptions options() {
    return options;
  }

  BridgeMetrics metrics() {
    return metrics;
  }

  NodeTable table() {
    return table;
  }

  DeliverySettings deliverySettings() {
    return delivery;
  }

  ProtocolSettings protocolSettings() {
    return protocol;
  }

  /**
   * The engine as this node knows it (the hub keeps it in the node-local map), for the {@code ops.ping} answer;
   * null when the map has none (a bridge without the hub). Parsed once per change, a copy per answer.
   */
  private JsonObject engineStatus() {
    String text = vertx.sharedData().<String, String>getLocalMap(MapNames.NODE).get(NodeLocalMap.ENGINE_STATUS);
    if (text == null) {
      return null;
    }
    ParsedStatus parsed = engineStatus;
    if (parsed == null || !parsed.text().equals(text)) {
      try {
        parsed = new ParsedStatus(text, new JsonObject(text));
      } catch (DecodeException e) {
        return null;
      }
      engineStatus = parsed;
    }
    return parsed.json().copy();
  }

  private record ParsedStatus(String text, JsonObject json) {
  }

  void connectionClosed(BridgeConnection connection) {
    if (connections.remove(connection)) {
      admitted.decrementAndGet();
      metrics.connectionClosed();
    }
  }

  private static Future<Void> onContext(Context context, java.util.function.Supplier<Future<Void>> task) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> task.get().onComplete(promise));
    return promise.future();
  }
}
