package dev.opshub.web.bridge;

import dev.opshub.contract.CloseReason;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The fan-out bridge: browsers reach {@code ops.*} event-bus addresses over SockJS (WebSocket transport), speaking
 * the Vert.x event-bus bridge protocol, so {@code @vertx/eventbus-bridge-client.js} works unchanged.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * FanoutBridge bridge = FanoutBridge.create(vertx, BridgeOptions.fromConfig(config), registry);
 * bridge.start()                                   // node-level consumers of options.getStreams()
 * bridge.mount(router, "/eventbus");               // before any BodyHandler on the same paths
 * vertx.createHttpServer(options.applyTo(new HttpServerOptions())).requestHandler(router).listen(port);
 * ...
 * bridge.shutdown("node_shutdown");                // every client gets c[4000,"node_shutdown"] and reconnects elsewhere
 * }</pre>
 * Call {@link #start()} on the context that should own the node-level table (the web verticle's); connections may
 * live on any event loop. {@link BridgeOptions#applyTo} sets the server's send buffer and WebSocket limits.
 *
 * <h2>Endpoints (under the mount path)</h2>
 * {@code GET /info} (SockJS info, {@code websocket:true}), {@code GET /} (SockJS greeting) and the WebSocket
 * {@code /<server>/<session>/websocket}. Only the WebSocket transport exists (no XHR/streaming fallbacks).
 * The upgrade is refused with 403 when the {@code Origin} is not allowed ({@link BridgeOptions#setAllowedOrigins}).
 *
 * <h2>Wire protocol</h2>
 * SockJS frames {@code o} (open), {@code h} (heartbeat, every {@code heartbeatInterval} when idle), {@code a[...]}
 * (a batch: up to {@code maxBatchMessages} bridge messages), {@code c[code,"reason"]} (close). Client to server:
 * a JSON array of strings, each a bridge message {@code {"type":"register|unregister|send|publish|ping","address":..,
 * "headers":{..},"body":..,"replyAddress":..}}. Server to client: {@code rec} (a message:
 * {@code {"type":"rec","address":..,"headers":{"epoch":"..","offset":".."},"body":{..,"ts":..,"key":..}}}),
 * {@code err} and {@code pong} (answer to {@code ping}; it follows the registrations sent before the ping, so a client
 * knows its subscriptions are in place once the pong arrives).
 *
 * <h2>Permissions (deny by default)</h2>
 * <ul>
 *   <li>{@code register} only on {@code ops.*}, except {@code ops.control.*} and {@code ops.ping};</li>
 *   <li>{@code send}/{@code publish} to {@code ops.ping}: answered by this node with {@code {"ts":<ms>,"nodeId":..}}
 *       on the reply address, no token;</li>
 *   <li>{@code send} to {@code ops.control.*} with header {@code token} equal to the operator token: forwarded as an
 *       event-bus request ({@code replyTimeout}), the reply relayed as {@code rec} to the {@code replyAddress}, a failure
 *       as {@code err} with {@code failureCode}, {@code failureType}, {@code message} (the token header is not forwarded);</li>
 *   <li>anything else is refused.</li>
 * </ul>
 * Every refusal is an {@code err} frame {@code {"type":"err","code":"access_denied","body":"access_denied",
 * "failureCode":403,"message":"access_denied: ..","address":..}} ({@code address} = the register address or the
 * send's reply address, so the official client hands it to the handler concerned). Codes: {@code access_denied},
 * {@code invalid_json}, {@code invalid_request}, {@code unknown_type}, {@code too_large} (frame over
 * {@code maxFrameSize} or message over {@code maxMessageSize}), {@code rate_limited} (over
 * {@code maxInboundPerSecond}), {@code max_subscriptions}. A refused or malformed frame never closes the
 * connection; only a flood (more than 10x the inbound rate refused within a second) does, with reason
 * {@code rate_limited}.
 *
 * <h2>Resume and snapshot (register headers)</h2>
 * Messages on {@code ops.*} carry headers {@code epoch} and {@code offset} (decimal strings). Per address this node
 * keeps a history window ({@code historySize} messages, {@code historyMaxAge} ms) and the newest message per body
 * {@code key} (at most {@code snapshotMaxKeys} keys).
 * <ul>
 *   <li>register without headers: live messages only;</li>
 *   <li>register with {@code epoch} and {@code offset} (the last ones the client saw, strings or numbers): if the
 *       epoch is this node's and every later message is still in the window, the missed messages are replayed in
 *       order, then live ones, without gaps or duplicates (a resume hit);</li>
 *   <li>otherwise (unknown epoch, offset older than the window), or with {@code snapshot:"true"}: first the newest
 *       message per key, each with header {@code snapshot:"true"}, then live messages (a resume miss).</li>
 * </ul>
 * A subscription never receives a message at or below the (epoch, offset) it already has.
 *
 * <h2>Batching and backpressure</h2>
 * A message is encoded once per node; each connection queues references to the shared bytes and writes
 * {@code a[e1,e2,..]} frames, assembled as complete WebSocket frames that sockets with the same next messages share
 * ({@link SharedFrames}). A hand-off burst is flushed when it has been delivered (a lone message waits for nothing);
 * a partial batch of a busy connection lingers until the next instant of its flush grid, at most
 * {@code batchLinger} (capped by {@code maxBatchDelay}), in one of {@code flushGroups} groups per event loop.
 * Writes stop while the socket cannot take more.
 * Each queue is bounded ({@code maxQueueMessages}, {@code maxQueueBytes}). When full, a message with a body
 * {@code key} replaces the queued one with the same key (conflation); others are dropped. A queue still overflowing
 * after {@code slowConsumerGrace}, or one that dropped anything, closes with {@code c[4002,"slow_consumer"]}: the
 * client reconnects and resumes. Replay and snapshot are admitted beyond the live bound (they are bounded by the
 * window and key limits).
 *
 * <h2>Overload</h2>
 * Nothing queues without bound. The table hands messages to each event loop's connections through a bounded,
 * batched {@link HandOff} ({@code maxHandOffMessages}); past the bound that event loop's subscribers are treated as
 * having missed messages (gap-free prefix, then {@code slow_consumer}). A probe measures the bridge context's task
 * queue wait; beyond {@code maxIngressLag} arriving messages are shed unprocessed and every subscriber is closed the
 * same way. Discards by the node-level consumers are counted, not logged per message.
 *
 * <h2>Liveness and limits</h2>
 * A connection from which nothing arrived for {@code pingTimeout} ms is closed with {@code c[4003,"ping_timeout"]}
 * (the official client pings every 5 s). Beyond {@code maxConnections} a new connection gets
 * {@code c[4001,"too_many_connections"]}. {@link #shutdown(String)} sends {@code c[4000,"<reason>"]}.
 *
 * <h2>Metrics</h2>
 * {@code opshub.bridge.connections}, {@code .subscriptions{address}}, {@code .messages.in}, {@code .deliveries},
 * {@code .frames}, {@code .frame.messages}, {@code .queue.depth}, {@code .queue.bytes}, {@code .conflated},
 * {@code .dropped}, {@code .slow.consumer.closes}, {@code .closes{reason}}, {@code .errors{code}},
 * {@code .resume.hits}, {@code .resume.misses}, {@code .client.messages}, {@code .delivery.latency} (one sample per
 * frame, its oldest message), {@code .handoff.depth}, {@code .handoff.overloads}, {@code .ingress.shed},
 * {@code .consumer.discards}.
 */
public final class FanoutBridge {

  private static final Logger LOG = LoggerFactory.getLogger(FanoutBridge.class);
  /** One daemon thread for every bridge of the JVM: it only posts a tiny probe task now and then. */
  private static final ScheduledExecutorService PROBES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "opshub-bridge-lag-probe");
    t.setDaemon(true);
    return t;
  });

  private final Vertx vertx;
  private final BridgeOptions options;
  private final BridgeMetrics metrics;
  private final Set<BridgeConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger admitted = new AtomicInteger();
  private final Map<Context, FlushScheduler> schedulers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** Address table; bridge context only. */
  private final Map<String, AddressChannel> channels = new HashMap<>();
  private volatile Context bridgeContext;
  private volatile boolean shuttingDown;
  private long maintenanceTimer = -1;
  private final long maxIngressLagNanos;
  private volatile ScheduledFuture<?> probeTask;
  /** When the probe in flight was posted to the bridge context (System.nanoTime()), or 0. */
  private volatile long probePostedNanos;
  /** Queueing delay the latest probe measured on the bridge context. */
  private volatile long probeLagNanos;

  private FanoutBridge(Vertx vertx, BridgeOptions options, MeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = new BridgeOptions(Objects.requireNonNull(options, "options"));
    this.metrics = new BridgeMetrics(registry == null ? new SimpleMeterRegistry() : registry);
    this.maxIngressLagNanos = TimeUnit.MILLISECONDS.toNanos(this.options.getMaxIngressLag());
  }

  /**
   * @param registry where the {@code opshub.bridge.*} meters go; null for a private one
   */
  public static FanoutBridge create(Vertx vertx, BridgeOptions options, MeterRegistry registry) {
    return new FanoutBridge(vertx, options, registry);
  }

  /** Creates the node-level consumers of the configured streams (kept while the bridge runs). */
  public Future<Void> start() {
    bridgeContext = root(vertx.getOrCreateContext());
    return call(bridgeContext, () -> {
      List<Future<Void>> opened = new ArrayList<>();
      for (String address : options.getStreams()) {
        if (!channels.containsKey(address)) {
          AddressChannel channel = new AddressChannel(this, address, true);
          channels.put(address, channel);
          opened.add(channel.open());
        }
      }
      maintenanceTimer = vertx.setPeriodic(1_000, t -> {
        long now = System.nanoTime();
        channels.values().forEach(c -> c.trim(now));
      });
      if (probeTask == null) {
        long period = Math.max(1, Math.min(20, options.getMaxIngressLag() / 4));
        probeTask = PROBES.scheduleAtFixedRate(this::probe, period, period, TimeUnit.MILLISECONDS);
      }
      return Future.all(opened).mapEmpty();
    });
  }

  /**
   * Mounts the SockJS endpoints under {@code path} (e.g. {@code /eventbus}): {@code path/info}, {@code path} and
   * {@code path/<server>/<session>/websocket}.
   */
  public void mount(Router router, String path) {
    String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    router.get(base + "/info").handler(this::info);
    router.get(base).handler(this::greeting);
    router.get(base + "/").handler(this::greeting);
    router.route(base + "/:server/:session/websocket").handler(this::upgrade);
  }

  /** Open connections of this bridge. */
  public int connections() {
    return connections.size();
  }

  /** Open connections whose frames go straight to their socket (epoll, no TLS); for tests. */
  long directConnections() {
    return connections.stream().filter(BridgeConnection::writesDirectly).count();
  }

  /** Distinct event loops the open connections live on (they spread over the HTTP server instances). */
  public int eventLoops() {
    return (int) connections.stream().map(c -> c.context() instanceof ContextInternal ci ? ci.nettyEventLoop() : c.context())
        .distinct().count();
  }

  /**
   * Closes every connection with {@code c[4000,"<reason>"]} so clients reconnect elsewhere, refuses new ones, and
   * removes the node-level consumers. Completes when every client has been told (at most about a second).
   */
  public Future<Void> shutdown(String reason) {
    shuttingDown = true;
    ScheduledFuture<?> probe = probeTask;
    if (probe != null) {
      probe.cancel(false);
    }
    List<Future<Void>> told = new ArrayList<>();
    for (BridgeConnection c : connections) {
      told.add(call(c.context(), () -> c.close(CloseReason.NODE_SHUTDOWN.code(), reason)));
    }
    Future<Void> consumers = bridgeContext == null ? Future.succeededFuture() : call(bridgeContext, () -> {
      if (maintenanceTimer != -1) {
        vertx.cancelTimer(maintenanceTimer);
        maintenanceTimer = -1;
      }
      List<Future<Void>> closing = new ArrayList<>();
      channels.values().forEach(c -> closing.add(c.close()));
      channels.clear();
      return Future.join(closing).mapEmpty();
    });
    return Future.join(Future.join(told), consumers).mapEmpty();
  }

  // ---------------------------------------------------------------- overload

  /**
   * Measures how long a task waits in the bridge context's queue: Vert.x hands every event-bus message to the
   * node-level consumers as one task there, so that wait is how far the consumers lag (and bounds what Vert.x holds).
   */
  private void probe() {
    Context context = bridgeContext;
    if (context == null || probePostedNanos != 0) {
      return;
    }
    long posted = System.nanoTime();
    probePostedNanos = posted;
    try {
      context.runOnContext(v -> {
        probeLagNanos = System.nanoTime() - posted;
        probePostedNanos = 0;
      });
    } catch (RejectedExecutionException closed) {
      ScheduledFuture<?> task = probeTask;
      if (task != null) {
        task.cancel(false);
      }
    }
  }

  /** True while the bridge context lags more than {@code maxIngressLag}: arriving messages are shed. */
  boolean ingressLagging() {
    long posted = probePostedNanos;
    long lag = posted == 0 ? probeLagNanos : Math.max(probeLagNanos, System.nanoTime() - posted);
    return lag > maxIngressLagNanos;
  }

  // ---------------------------------------------------------------- HTTP

  private void info(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache, no-transform, must-revalidate, max-age=0")
        .end(SockJs.info());
  }

  private void greeting(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8").end("Welcome to SockJS!\n");
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)) {
      ctx.response().setStatusCode(400).end("Can \"Upgrade\" only to \"WebSocket\".");
      return;
    }
    if (!originAllowed(request)) {
      metrics.closes("origin_refused").increment();
      ctx.response().setStatusCode(403).end("origin not allowed");
      return;
    }
    if (shuttingDown) {
      ctx.response().setStatusCode(503).end("shutting down");
      return;
    }
    Context context = root(vertx.getOrCreateContext());
    FlushScheduler scheduler = schedulers.computeIfAbsent(context,
        c -> new FlushScheduler(c, metrics, options.getMaxBatchMessages()));
    request.toWebSocket().onSuccess(ws -> {
      if (admitted.incrementAndGet() > options.getMaxConnections()) {
        admitted.decrementAndGet();
        metrics.closes(CloseReason.TOO_MANY_CONNECTIONS.reason()).increment();
        ws.writeTextMessage(SockJs.closeFrame(CloseReason.TOO_MANY_CONNECTIONS));
        ws.close((short) 1000, CloseReason.TOO_MANY_CONNECTIONS.reason());
        return;
      }
      BridgeConnection connection = new BridgeConnection(this, ws, context, scheduler,
          options.getNodeId() + "-" + ids.incrementAndGet());
      connections.add(connection);
      metrics.connectionOpened();
      connection.start();
    }).onFailure(err -> LOG.debug("bridge upgrade failed", err));
  }

  /**
   * Same-origin and Origin-less (non-browser) requests are allowed; then the configured list ({@code *} = all);
   * with an empty list, localhost origins too.
   */
  boolean originAllowed(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      return true;
    }
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    List<String> allowed = options.getAllowedOrigins();
    if (allowed.contains("*") || allowed.contains(o)) {
      return true;
    }
    URI uri;
    try {
      uri = new URI(o);
    } catch (Exception e) {
      return false;
    }
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    HostAndPort authority = request.authority();
    if (authority != null && host.equalsIgnoreCase(authority.host())) {
      int requestPort = authority.port() != -1 ? authority.port() : (request.isSSL() ? 443 : 80);
      if (requestPort == port) {
        return true;
      }
    }
    return allowed.isEmpty() && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
  }

  // ---------------------------------------------------------------- table (package-private, used by connections)

  Vertx vertx() {
    return vertx;
  }

  BridgeOptions options() {
    return options;
  }

  BridgeMetrics metrics() {
    return metrics;
  }

  /** The context that owns the node table and its event-bus consumers (null before the first use). */
  Context tableContext() {
    return bridgeContext;
  }

  /** Adds a subscription to the node table (on the bridge context). */
  void subscribe(Subscription sub) {
    // an unregister or close that follows is dispatched after this, in order: no need to look at sub.closed here
    onContext(table(), () -> {
      AddressChannel channel = channels.get(sub.address);
      if (channel == null) {
        if (channels.size() >= options.getMaxAddresses() || shuttingDown) {
          onContext(sub.connection.context(), () -> sub.connection.subscriptionRefused(sub));
          return;
        }
        channel = new AddressChannel(this, sub.address, false);
        channels.put(sub.address, channel);
        String address = sub.address;
        channel.open().onFailure(err -> LOG.warn("consumer of {} failed to register", address, err));
      }
      channel.add(sub);
    });
  }

  /** Removes a subscription; the last one of a non-kept address removes the node's consumer. */
  void unsubscribe(Subscription sub) {
    onContext(table(), () -> {
      AddressChannel channel = channels.get(sub.address);
      if (channel != null && channel.remove(sub) && channel.isEmpty() && !channel.kept) {
        channels.remove(sub.address);
        channel.close();
      }
    });
  }

  void connectionClosed(BridgeConnection connection) {
    if (connections.remove(connection)) {
      admitted.decrementAndGet();
      metrics.connectionClosed();
    }
  }

  private Context table() {
    Context c = bridgeContext;
    if (c == null) {
      // mounted without start(): the first connection's context owns the table
      synchronized (this) {
        if (bridgeContext == null) {
          bridgeContext = root(vertx.getOrCreateContext());
        }
        c = bridgeContext;
      }
    }
    return c;
  }

  boolean isCurrent(Context context) {
    Context current = Vertx.currentContext();
    return current != null && root(current) == context;
  }

  void onContext(Context context, Runnable task) {
    if (isCurrent(context)) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private <T> Future<T> call(Context context, Supplier<Future<T>> task) {
    if (isCurrent(context)) {
      return task.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> task.get().onComplete(promise));
    return promise.future();
  }

  private static Context root(Context context) {
    return context instanceof ContextInternal internal ? internal.unwrap() : context;
  }
}
