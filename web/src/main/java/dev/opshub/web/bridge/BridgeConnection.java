package dev.opshub.web.bridge;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.CloseReason;
import dev.opshub.contract.ErrorCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.Socket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One SockJS WebSocket connection: parses and checks what the client sends, holds its subscriptions and its
 * bounded {@link ConnectionQueue}, and writes batched {@code a[...]} frames while the socket can take them.
 * Everything here runs on the connection's own context.
 */
final class BridgeConnection {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);
  private static final byte[] PONG = SockJs.element(new JsonObject().put("type", "pong"));
  /** Arrivals (bursts with live messages) per linger window from which a connection counts as busy. */
  private static final int BUSY_ARRIVALS = 2;
  /**
   * Messages arriving within this long of a burst's first one belong to that burst. Two messages published together
   * reach a connection in one hand-off or in two a fraction of a millisecond apart (the connection's event loop may
   * start delivering the first before the second is handed over); counted as two bursts they made frames cut inside
   * a publish and the fill prediction see twice the bursts at half the size.
   */
  private static final long BURST_SPAN_NANOS = 3_000_000L;
  /** The share of a frame a busy connection's pace must bring within the fill wait for its grid to take that period. */
  private static final double FILL_FRACTION = 0.8;

  private final FanoutBridge bridge;
  private final ServerWebSocket ws;
  private final Context context;
  private final FlushScheduler scheduler;
  private final BridgeOptions options;
  private final BridgeMetrics metrics;
  private final ConnectionQueue queue;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final long lingerNanos;
  /** The flush period of a busy connection whose frames fill within it; 0 when off. */
  private final long fillWaitNanos;
  private final String id;

  /** Where complete WebSocket frames go (below the encoder), or null to write through the WebSocket API. */
  private final ChannelHandlerContext raw;
  /** The channel's socket when frames may be sent to it directly while nothing is pending, else null. */
  private final Socket direct;

  /** Set by {@link FlushScheduler}. */
  boolean dirty;
  /** In the scheduler's linger wheel, until {@link #lingerDeadline} (ms); set by {@link FlushScheduler}. */
  boolean lingering;
  long lingerDeadline;
  /**
   * This connection's flush grid: a busy connection writes its partial batch at the next instant
   * {@code group * period / flushGroups + k * period}, so no message lingers longer than the period (the linger, or
   * the fill wait while frames fill within it). The group is one of {@code flushGroups}, picked at random: busy
   * connections write in that many smaller bursts per period instead of one big one (whose last sockets wait for
   * the whole burst), while a burst still serves many sockets per wake-up.
   */
  private final int flushGroup;
  private boolean closed;
  private long lastInboundNanos;
  private long lastWriteNanos;
  private long tickTimer = -1;
  private long overflowTimer = -1;
  private boolean overflowing;
  /** Registrations sent to the node table and not yet started; pongs wait for them (ping is a barrier). */
  private int pendingRegistrations;
  private int deferredPongs;
  private boolean droppedDuringOverflow;
  /** Queue depth and bytes last added to the node-wide gauges. */
  private int reportedDepth;
  private long reportedBytes;
  private double tokens;
  private long tokensAtNanos;
  private long refusedWindowStart;
  private int refusedInWindow;
  private long windowStartNanos;
  private int windowCount;
  private int previousWindowCount;
  /**
   * Live messages of the newest burst that are the queue's last entries; 0 when
   * something else was appended after them or conflation moved entries (then frames are cut by size only).
   */
  private int lastBurstMessages;
  /** Start of the newest burst (arrivals within {@link #BURST_SPAN_NANOS} of it), and its live messages so far. */
  private long lastBurstNanos;
  private int burstLiveMessages;
  /** Smoothed interval between bursts (ns) and live messages per burst; 0 until measured. */
  private double burstIntervalNanos;
  private double messagesPerBurst;

  BridgeConnection(FanoutBridge bridge, ServerWebSocket ws, Context context, FlushScheduler scheduler, String id) {
    this.bridge = bridge;
    this.ws = ws;
    this.context = context;
    this.scheduler = scheduler;
    this.options = bridge.options();
    this.metrics = bridge.metrics();
    this.id = id;
    this.queue = new ConnectionQueue(options.getMaxQueueMessages(), options.getMaxQueueBytes(), options.isConflation());
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(options.getBatchLinger(), options.getMaxBatchDelay()));
    long fillWait = TimeUnit.MILLISECONDS.toNanos(Math.min(options.getBatchFillWait(), options.getMaxBatchDelay()));
    this.fillWaitNanos = lingerNanos > 0 && fillWait > lingerNanos ? fillWait : 0;
    this.raw = RawFrames.encoderContext(ws);
    this.direct = raw == null ? null : RawFrames.directSocket(raw);
    this.flushGroup = ThreadLocalRandom.current().nextInt(options.getFlushGroups());
    this.tokens = options.getMaxInboundPerSecond();
    this.lastBurstNanos = System.nanoTime() - 2 * BURST_SPAN_NANOS;
  }

  Context context() {
    return context;
  }

  FlushScheduler scheduler() {
    return scheduler;
  }

  String id() {
    return id;
  }

  void start() {
    long now = System.nanoTime();
    lastInboundNanos = now;
    tokensAtNanos = now;
    windowStartNanos = now;
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      touch();
      error(ErrorCodes.INVALID_JSON, null, "binary frames are not part of the protocol");
    });
    ws.pongHandler(b -> touch());
    ws.drainHandler(v -> flush());
    if (raw != null) {
      // frames written below the encoder fill the channel without Vert.x's write queue seeing it: follow the
      // channel's own writability, and flush again when it can take more
      raw.pipeline().addBefore(raw.name(), "opshub-bridge-drain", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
          if (ctx.channel().isWritable()) {
            context.runOnContext(v -> flush());
          }
          ctx.fireChannelWritabilityChanged();
        }
      });
    }
    ws.exceptionHandler(err -> LOG.debug("bridge connection {} failed", id, err));
    ws.closeHandler(v -> cleanup());
    // the HTTP server is shutting down gracefully: tell the client so it reconnects elsewhere
    ws.shutdownHandler(v -> close(CloseReason.SERVER_SHUTDOWN));
    writeText(SockJs.OPEN);
    long tick = Math.max(10, Math.min(options.getHeartbeatInterval(), options.getPingTimeout()) / 4);
    tickTimer = bridge.vertx().setPeriodic(tick, t -> onTick());
  }

  // ---------------------------------------------------------------- inbound

  private void touch() {
    lastInboundNanos = System.nanoTime();
  }

  private void onText(String text) {
    touch();
    if (closed) {
      return;
    }
    if (text.length() > options.getMaxFrameSize()) {
      error(ErrorCodes.TOO_LARGE, null, "frame of " + text.length() + " chars exceeds " + options.getMaxFrameSize());
      return;
    }
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return;
    }
    try {
      if (trimmed.charAt(0) == '[') {
        JsonArray array = new JsonArray(trimmed);
        for (int i = 0; i < array.size() && !closed; i++) {
          Object element = array.getValue(i);
          if (element instanceof String s) {
            onMessage(s);
          } else {
            error(ErrorCodes.INVALID_JSON, null, "a SockJS frame is an array of strings");
          }
        }
      } else if (trimmed.charAt(0) == '"') {
        onMessage((String) Json.decodeValue(trimmed));
      } else {
        error(ErrorCodes.INVALID_JSON, null, "a SockJS frame is an array of strings");
      }
    } catch (DecodeException | ClassCastException e) {
      error(ErrorCodes.INVALID_JSON, null, "frame is not valid JSON");
    }
  }

  private void onMessage(String text) {
    metrics.clientMessages.increment();
    if (!takeToken()) {
      return;
    }
    if (text.length() > options.getMaxMessageSize()) {
      error(ErrorCodes.TOO_LARGE, null, "message of " + text.length() + " chars exceeds " + options.getMaxMessageSize());
      return;
    }
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(ErrorCodes.INVALID_JSON, null, "message is not a JSON object");
      return;
    }
    Object type = msg.getValue("type");
    Object address = msg.getValue("address");
    if (address != null && !(address instanceof String)) {
      error(ErrorCodes.INVALID_REQUEST, null, "address must be a string");
      return;
    }
    String addr = (String) address;
    if (!(type instanceof String t)) {
      error(ErrorCodes.UNKNOWN_TYPE, addr, "missing type");
      return;
    }
    switch (t) {
      case "ping" -> pong();
      case "register" -> register(addr, msg.getValue("headers"));
      case "unregister" -> unregister(addr);
      case "send" -> send(addr, msg, false);
      case "publish" -> send(addr, msg, true);
      default -> error(ErrorCodes.UNKNOWN_TYPE, addr, "unknown type " + t);
    }
  }

  private boolean takeToken() {
    long now = System.nanoTime();
    int rate = options.getMaxInboundPerSecond();
    tokens = Math.min(rate, tokens + (now - tokensAtNanos) * (double) rate / 1e9);
    tokensAtNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    if (now - refusedWindowStart > 1_000_000_000L) {
      refusedWindowStart = now;
      refusedInWindow = 0;
    }
    refusedInWindow++;
    if (refusedInWindow > 10 * rate) {
      // abusive: answering each refusal would cost more than the flood itself
      close(CloseReason.RATE_LIMITED);
    } else {
      error(ErrorCodes.RATE_LIMITED, null, "more than " + rate + " messages/s");
    }
    return false;
  }

  private void register(String address, Object headers) {
    if (address == null) {
      error(ErrorCodes.INVALID_REQUEST, null, "register needs an address");
      return;
    }
    if (!Addresses.isStream(address)) {
      error(ErrorCodes.ACCESS_DENIED, address, "register on " + address + " is not allowed");
      return;
    }
    if (subscriptions.containsKey(address)) {
      return;
    }
    if (subscriptions.size() >= options.getMaxSubscriptions()) {
      error(ErrorCodes.MAX_SUBSCRIPTIONS, address, "at most " + options.getMaxSubscriptions() + " subscriptions per connection");
      return;
    }
    long epoch = EncodedMessage.NONE;
    long offset = EncodedMessage.NONE;
    boolean snapshot = false;
    if (headers instanceof JsonObject h) {
      epoch = number(h.getValue("epoch"));
      offset = number(h.getValue("offset"));
      snapshot = "true".equals(String.valueOf(h.getValue("snapshot")));
    }
    Subscription sub = new Subscription(this, address, epoch, offset, snapshot);
    subscriptions.put(address, sub);
    pendingRegistrations++;
    bridge.subscribe(sub);
  }

  private static long number(Object value) {
    if (value instanceof Number n) {
      return n.longValue() < 0 ? EncodedMessage.NONE : n.longValue();
    }
    if (value instanceof String s) {
      try {
        long v = Long.parseLong(s.trim());
        return v < 0 ? EncodedMessage.NONE : v;
      } catch (NumberFormatException e) {
        return EncodedMessage.NONE;
      }
    }
    return EncodedMessage.NONE;
  }

  private void unregister(String address) {
    if (address == null) {
      error(ErrorCodes.INVALID_REQUEST, null, "unregister needs an address");
      return;
    }
    Subscription sub = subscriptions.remove(address);
    if (sub != null) {
      sub.closed = true;
      bridge.unsubscribe(sub);
    }
  }

  private void pong() {
    if (pendingRegistrations > 0) {
      deferredPongs++;
    } else {
      enqueueControl(PONG);
    }
  }

  private void registrationDone() {
    if (--pendingRegistrations == 0) {
      for (; deferredPongs > 0; deferredPongs--) {
        enqueueControl(PONG);
      }
    }
  }

  /** The node refused the subscription (too many addresses on this node). */
  void subscriptionRefused(Subscription sub) {
    registrationDone();
    if (subscriptions.get(sub.address) == sub) {
      subscriptions.remove(sub.address);
    }
    sub.closed = true;
    error(ErrorCodes.MAX_SUBSCRIPTIONS, sub.address, "this node serves at most " + options.getMaxAddresses() + " addresses");
  }

  private void send(String address, JsonObject msg, boolean publish) {
    Object reply = msg.getValue("replyAddress");
    String replyAddress = reply instanceof String s ? s : null;
    if (address == null) {
      error(ErrorCodes.INVALID_REQUEST, replyAddress, "send needs an address");
      return;
    }
    if (address.equals(Addresses.PING)) {
      if (replyAddress != null) {
        JsonObject body = new JsonObject().put("ts", System.currentTimeMillis()).put("nodeId", options.getNodeId());
        enqueueControl(SockJs.element(new JsonObject().put("type", "rec").put("address", replyAddress).put("body", body)));
      }
      return;
    }
    if (publish || !Addresses.isControl(address)) {
      error(ErrorCodes.ACCESS_DENIED, replyAddress, (publish ? "publish" : "send") + " to " + address + " is not allowed");
      return;
    }
    Object headersValue = msg.getValue("headers");
    JsonObject headers = headersValue instanceof JsonObject h ? h : new JsonObject();
    if (!tokenMatches(headers.getValue("token"))) {
      error(ErrorCodes.ACCESS_DENIED, replyAddress, "operator token missing or wrong");
      return;
    }
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.getReplyTimeout());
    headers.forEach(e -> {
      if (!"token".equals(e.getKey()) && e.getValue() != null) {
        delivery.addHeader(e.getKey(), String.valueOf(e.getValue()));
      }
    });
    Object body = msg.getValue("body");
    if (replyAddress == null) {
      bridge.vertx().eventBus().send(address, body, delivery);
      return;
    }
    bridge.vertx().eventBus().request(address, body, delivery)
        .onSuccess(r -> relayReply(replyAddress, r))
        .onFailure(err -> relayFailure(replyAddress, err));
  }

  private boolean tokenMatches(Object given) {
    String expected = options.getOperatorToken();
    if (expected == null || expected.isEmpty() || !(given instanceof String g)) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), g.getBytes(StandardCharsets.UTF_8));
  }

  private void relayReply(String replyAddress, Message<Object> reply) {
    JsonObject headers = new JsonObject();
    reply.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    enqueueControl(SockJs.element(new JsonObject().put("type", "rec").put("address", replyAddress)
        .put("headers", headers).put("body", reply.body())));
  }

  private void relayFailure(String replyAddress, Throwable err) {
    JsonObject frame = new JsonObject().put("type", "err").put("address", replyAddress);
    if (err instanceof ReplyException re) {
      frame.put("failureCode", re.failureCode()).put("failureType", re.failureType().name()).put("message", re.getMessage());
    } else {
      frame.put("failureCode", -1).put("failureType", "RECIPIENT_FAILURE").put("message", String.valueOf(err.getMessage()));
    }
    enqueueControl(SockJs.element(frame));
  }

  /**
   * Answers a refused frame. {@code address} (the registered address, or the send's reply address) lets the
   * official client hand the error to the handler concerned; without it the client's {@code onerror} gets it.
   */
  private void error(ErrorCodes error, String address, String detail) {
    metrics.errors(error).increment();
    JsonObject frame = new JsonObject().put("type", "err").put("code", error.code()).put("body", error.code())
        .put("failureCode", error.status()).put("failureType", "RECIPIENT_FAILURE")
        .put("message", error.code() + ": " + detail);
    if (address != null) {
      frame.put("address", address);
    }
    enqueueControl(SockJs.element(frame));
  }

  // ---------------------------------------------------------------- outbound

  /** A subscription was added to the node table: write its replay/snapshot, then live messages follow. */
  void started(Subscription sub, AddressChannel.Plan plan, long filterEpoch, long filterOffset) {
    registrationDone();
    if (closed || sub.closed) {
      return;
    }
    sub.filterEpoch = filterEpoch;
    sub.filterOffset = filterOffset;
    List<byte[]> elements = plan.elements();
    for (int i = 0; i < elements.size(); i++) {
      enqueue(elements.get(i), plan.keys().get(i), plan.timestamps().get(i), true, true, System.nanoTime());
    }
  }

  /** Reads the fields a delivery touches first, so they are in the cache when it comes (see {@link HandOff}). */
  int warm() {
    return (int) lastBurstNanos + windowCount + (lingering ? 1 : 0) + queue.warm();
  }

  /** A live message for one of this connection's subscriptions. */
  void deliver(Subscription sub, EncodedMessage m, long nowNanos) {
    if (closed || sub.closed || !sub.accept(m)) {
      return;
    }
    enqueue(m.element, m.conflationKey, m.ts, false, false, nowNanos);
  }

  /**
   * The node could not hand this subscription everything (its event loop's hand-off overflowed, or the node shed
   * messages): like a drop from the connection's own queue, nothing more is queued, what is queued is written (a
   * gap-free prefix) and the connection closes with {@code slow_consumer}, so the client resumes from there.
   */
  void missed(Subscription sub) {
    if (closed || sub.closed) {
      return;
    }
    overflow(true);
    scheduler.mark(this);
  }

  private void enqueueControl(byte[] element) {
    enqueue(element, null, 0, false, true, System.nanoTime());
  }

  /**
   * @param force  admit beyond the live bound (replay, snapshot)
   * @param urgent flush even while the batch lingers (answers to the client: pong, replies, errors)
   */
  private void enqueue(byte[] element, String key, long ts, boolean force, boolean urgent, long now) {
    if (closed) {
      return;
    }
    if (droppedDuringOverflow && !force) {
      // after a drop nothing more is queued: what the client gets stays a gap-free prefix it can resume from
      metrics.dropped.increment();
      return;
    }
    ConnectionQueue.Offer offer = queue.offer(element, key, ts, force, now);
    switch (offer) {
      case QUEUED -> { }
      case CONFLATED -> {
        metrics.conflated.increment();
        overflow(false);
      }
      case DROPPED -> {
        metrics.dropped.increment();
        overflow(true);
      }
    }
    if (closed) {
      return;
    }
    if (!urgent && now - lastBurstNanos > BURST_SPAN_NANOS) {
      // arrivals are counted per burst, not per message: messages that arrive together (a hand-off batch, a backlog
      // on a saturated node, two messages published together but handed over a moment apart) are one arrival and
      // no reason to linger
      lastBurstMessages = 0;
      noteBurst(now);
      if (now - windowStartNanos >= lingerNanos) {
        previousWindowCount = now - windowStartNanos < 2 * lingerNanos ? windowCount : 0;
        windowStartNanos = now;
        windowCount = 0;
      }
      windowCount++;
    }
    if (urgent || force || offer != ConnectionQueue.Offer.QUEUED) {
      lastBurstMessages = 0; // the queue's tail is not (only) this burst's live messages any more
    } else {
      lastBurstMessages++;
      burstLiveMessages++;
    }
    if (urgent || !lingering || queue.size() >= options.getMaxBatchMessages()) {
      // a lingering batch is written by the scheduler's linger timer, or here once it is full
      scheduler.mark(this);
    }
  }

  private void overflow(boolean dropped) {
    droppedDuringOverflow |= dropped;
    if (!overflowing) {
      overflowing = true;
      overflowTimer = bridge.vertx().setTimer(options.getSlowConsumerGrace(), t -> {
        overflowTimer = -1;
        if (overflowing) {
          slowConsumer();
        }
      });
    }
  }

  private void slowConsumer() {
    metrics.slowConsumerCloses.increment();
    LOG.debug("bridge connection {} closed as a slow consumer ({} queued)", id, queue.size());
    close(CloseReason.SLOW_CONSUMER);
  }

  /**
   * A new burst arrives: folds the previous one into the smoothed burst interval and size. A gap longer than two
   * lingers is a pause in the traffic, not an interval of it.
   */
  private void noteBurst(long now) {
    if (burstLiveMessages > 0) { // 0 before the first burst: no interval to fold yet
      long interval = now - lastBurstNanos;
      if (interval <= 2 * lingerNanos) {
        burstIntervalNanos = burstIntervalNanos == 0 ? interval : burstIntervalNanos + (interval - burstIntervalNanos) / 8;
        messagesPerBurst = messagesPerBurst == 0
            ? burstLiveMessages : messagesPerBurst + (burstLiveMessages - messagesPerBurst) / 8;
      }
    }
    lastBurstNanos = now;
    burstLiveMessages = 0;
  }

  /**
   * The flush period of a busy connection: the fill wait when the recent pace (messages per burst over the burst
   * interval) brings at least {@link #FILL_FRACTION} of a frame within it (200 messages/s: 9 in 45 ms, so frames of 9
   * or 10, and a frame that fills before its grid instant goes at once), else the linger (100 messages/s would give
   * 4.5: waiting longer would mostly add latency). The pace, not a count of whole bursts, decides: two messages every
   * 10 ms and one every 5 ms fill a frame alike, and a burst now and then split in two (a late timer, a hand-off
   * over two event-loop turns) must not flip the period.
   */
  private long flushPeriod(int max) {
    if (fillWaitNanos == 0 || burstIntervalNanos <= 0 || messagesPerBurst <= 0) {
      return lingerNanos;
    }
    double perFillWait = messagesPerBurst * fillWaitNanos / burstIntervalNanos;
    return perFillWait >= FILL_FRACTION * max ? fillWaitNanos : lingerNanos;
  }

  /**
   * More messages are expected within the linger: live messages arrived in at least {@link #BUSY_ARRIVALS}
   * separate bursts in the current or the previous linger-long window (about 60 bursts/s and more with the default
   * 35 ms linger).
   */
  private boolean busy() {
    return previousWindowCount >= BUSY_ARRIVALS || windowCount >= BUSY_ARRIVALS;
  }

  /**
   * Brings the node-wide queue gauges up to date with this queue. Called once per flush (every enqueue marks the
   * connection for one) and at cleanup, not per message: two contended adders per delivery were 3% of the CPU.
   */
  private void reportQueue() {
    int depth = queue.size() - reportedDepth;
    long bytes = queue.bytes() - reportedBytes;
    if (depth != 0 || bytes != 0) {
      metrics.queueChanged(depth, bytes);
      reportedDepth = queue.size();
      reportedBytes = queue.bytes();
    }
  }

  /** Writes what can be written now (through the scheduler, so frames can be shared). */
  void flush() {
    scheduler.flushNow(this);
  }

  /** Writes frames while the socket takes them; lingers only while the socket is full or a busy batch fills. */
  void flushInRun() {
    if (closed) {
      return;
    }
    try {
      writeWhilePossible();
    } finally {
      reportQueue();
    }
  }

  private void writeWhilePossible() {
    int max = options.getMaxBatchMessages();
    long now = System.nanoTime();
    while (!queue.isEmpty()) {
      if (socketFull()) {
        break; // the drain handler calls flush again
      }
      int n = Math.min(queue.size(), max);
      if (queue.size() >= max && lastBurstMessages > 0 && lastBurstMessages < max && lingerNanos > 0 && busy()
          && (queue.size() > max || newestBurstIncomplete(now))) {
        // more than a frame (or a frame whose newest burst is still arriving): write the messages older than the
        // newest burst and let that burst start the next frame. Cutting inside a burst would make every later full
        // frame span one burst more (at 2 messages per 10 ms: 50 ms instead of 40 for its oldest message), and the
        // frames would stay misaligned from then on.
        int older = queue.size() - lastBurstMessages;
        if (older > 0 && older < max) {
          n = older;
        }
      }
      if (n < max && n == queue.size() && lingerNanos > 0 && busy()) {
        // the first instant of this connection's grid at or after the oldest queued message: it waits < period
        long period = flushPeriod(max);
        long oldest = queue.peek().enqueuedNanos;
        long phase = flushGroup * (period / options.getFlushGroups());
        long deadline = oldest + Math.floorMod(phase - oldest, period);
        if (deadline - now > 500_000L) {
          scheduler.linger(this, deadline);
          break;
        }
      }
      writeFrame(n, now);
      lastBurstMessages = Math.min(lastBurstMessages, queue.size());
    }
    if (droppedDuringOverflow) {
      if (queue.isEmpty()) {
        // the client has everything before the first drop: closing lets it resume from there
        slowConsumer();
      }
    } else if (overflowing && queue.belowHalf()) {
      overflowing = false;
      if (overflowTimer != -1) {
        bridge.vertx().cancelTimer(overflowTimer);
        overflowTimer = -1;
      }
    }
  }

  /**
   * The newest burst is probably still arriving: it began within the burst span and holds fewer messages than this
   * connection's bursts usually do. A publish reaches a connection in pieces when its event loop takes the first
   * message before the next one is handed over (frequent on a busy machine); a queue that one piece makes exactly
   * full would otherwise be cut inside the publish.
   */
  private boolean newestBurstIncomplete(long now) {
    return now - lastBurstNanos <= BURST_SPAN_NANOS && lastBurstMessages + 0.5 < messagesPerBurst;
  }

  /** The socket cannot take more now; a socket closed under us (its close handler not run yet) is cleaned up. */
  private boolean socketFull() {
    if (raw != null) {
      return !raw.channel().isWritable();
    }
    try {
      return ws.writeQueueFull();
    } catch (IllegalStateException closedUnderUs) {
      cleanup();
      return true;
    }
  }

  private void writeFrame(int n, long nowNanos) {
    if (raw != null) {
      writeRaw(scheduler.frames().takeShared(queue, n, raw.alloc()));
    } else {
      // a text frame from shared bytes: the public API would need a String per frame
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, scheduler.frames().takePayload(queue, n), true));
    }
    lastWriteNanos = nowNanos;
  }

  /**
   * Writes a shared complete frame: straight to the socket when the channel has nothing pending (so nothing written
   * earlier is overtaken), the rest, if the socket takes less (or the direct way is not available), through the
   * pipeline below the encoder, which queues it and follows the channel's writability as for any write.
   */
  private void writeRaw(ByteBuf frame) {
    int length = frame.readableBytes();
    int sent = 0;
    if (direct != null && frame.hasMemoryAddress() && raw.channel().eventLoop().inEventLoop()) {
      ChannelOutboundBuffer pending = raw.channel().unsafe().outboundBuffer();
      if (pending != null && pending.totalPendingWriteBytes() == 0) {
        try {
          sent = direct.sendAddress(frame.memoryAddress(), frame.readerIndex(), frame.writerIndex());
        } catch (IOException e) {
          sent = 0; // the pipeline's write below meets the same error and closes the channel the usual way
        }
      }
    }
    if (sent < length) {
      raw.writeAndFlush(frame.retainedSlice(frame.readerIndex() + sent, length - sent), raw.voidPromise());
    }
  }

  private void writeText(String text) {
    ws.writeTextMessage(text);
    lastWriteNanos = System.nanoTime();
  }

  // ---------------------------------------------------------------- liveness and close

  private void onTick() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastInboundNanos > TimeUnit.MILLISECONDS.toNanos(options.getPingTimeout())) {
      close(CloseReason.PING_TIMEOUT);
      return;
    }
    if (now - lastWriteNanos >= TimeUnit.MILLISECONDS.toNanos(options.getHeartbeatInterval()) && !socketFull()) {
      writeText(SockJs.HEARTBEAT);
    }
  }

  /** Sends the SockJS close frame, closes the socket and frees everything at once. */
  Future<Void> close(CloseReason reason) {
    return close(reason.code(), reason.reason());
  }

  Future<Void> close(int code, String reason) {
    if (closed) {
      return Future.succeededFuture();
    }
    metrics.closes(reason).increment();
    Promise<Void> told = Promise.promise();
    ws.writeTextMessage(SockJs.closeFrame(code, reason)).onComplete(ar -> told.tryComplete());
    ws.close((short) 1000, reason);
    cleanup();
    // a stalled client may never take the close frame: telling it is best effort
    bridge.vertx().setTimer(1_000, t -> told.tryComplete());
    return told.future();
  }

  private void cleanup() {
    if (closed) {
      return;
    }
    closed = true;
    for (long timer : new long[] {tickTimer, overflowTimer}) {
      if (timer != -1) {
        bridge.vertx().cancelTimer(timer);
      }
    }
    queue.clear();
    reportQueue();
    List<Subscription> subs = new ArrayList<>(subscriptions.values());
    subscriptions.clear();
    for (Subscription sub : subs) {
      sub.closed = true;
      bridge.unsubscribe(sub);
    }
    bridge.connectionClosed(this);
  }

  boolean writesDirectly() {
    return direct != null;
  }

  boolean isClosed() {
    return closed;
  }
}
