package dev.opshub.web.bridge;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.opshub.contract.Addresses;
import dev.opshub.web.bridge.transport.HttpTransportKind;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Options of the {@link FanoutBridge}. Every limit has a documented {@code DEFAULT_*}; setters validate and are
 * fluent; {@link #fromJson(JsonObject)} / {@link #toJson()} map the option names to JSON keys (durations in ms)
 * through Jackson, by the getters and setters.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY,
    isGetterVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY, setterVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BridgeOptions {

  /** Most bridge messages in one SockJS {@code a[...]} frame. */
  public static final int DEFAULT_MAX_BATCH_MESSAGES = 10;
  /**
   * Longest a queued message may be held for its batch to fill, ms: the cap of {@link #DEFAULT_BATCH_LINGER} (0 turns
   * lingering off).
   */
  public static final long DEFAULT_MAX_BATCH_DELAY = 100;
  /**
   * How long a busy connection's partial batch waits for more messages at most, ms (never more than the batch
   * delay). Connections whose pace fills a frame within {@link #DEFAULT_BATCH_FILL_WAIT} wait that longer period
   * instead; see docs/BRIDGE.md.
   */
  public static final long DEFAULT_BATCH_LINGER = 35;
  /**
   * The longer wait, ms, of a busy connection whose recent pace brings four fifths of a frame within it: it flushes
   * on a grid of this period instead of the linger, and a frame that fills goes at once (never more than the batch
   * delay; at or below the linger it changes nothing). At 200 messages/s 9 arrive in 45 ms: frames of 9-10 instead
   * of 7 at the linger; at 100 messages/s 4.5 would, so such a connection keeps the linger. See docs/BRIDGE.md.
   */
  public static final long DEFAULT_BATCH_FILL_WAIT = 45;
  /**
   * Busy connections of an event loop flush in this many groups, evenly spaced over the linger: fewer, bigger bursts
   * cost less CPU (one wake-up serves more sockets), more, smaller ones cut the wait of a burst's last sockets.
   */
  public static final int DEFAULT_FLUSH_GROUPS = 4;
  /**
   * Per-connection queue bound, in messages: also how far a client may fall behind before it is closed as a slow
   * consumer (5 s at 200 msg/s): the bound absorbs a client's stalls (a busy machine, a collection); latency under
   * load comes from throughput, not from a small bound.
   */
  public static final int DEFAULT_MAX_QUEUE_MESSAGES = 1_000;
  /** Per-connection queue bound, in encoded bytes. */
  public static final long DEFAULT_MAX_QUEUE_BYTES = 1L << 20;
  /** Conflate state messages (newest per key) when a queue is full. */
  public static final boolean DEFAULT_CONFLATION = true;
  /** How long a queue may stay overflowing before the connection is closed with {@code slow_consumer}, ms. */
  public static final long DEFAULT_SLOW_CONSUMER_GRACE = 5_000;
  /** History window per address, in messages (resume replays from it). */
  public static final int DEFAULT_HISTORY_SIZE = 1_000;
  /** History window per address, by age, ms. */
  public static final long DEFAULT_HISTORY_MAX_AGE = 60_000;
  /**
   * Message ids remembered per address: a message with one of them (header {@code id}) is a copy and is dropped. An
   * engine that takes a drill over publishes the drill's last messages again with their ids.
   */
  public static final int DEFAULT_DUPLICATE_WINDOW = 10_000;
  /** Most keys kept per address for snapshots (newest per key; least recently updated key evicted first). */
  public static final int DEFAULT_SNAPSHOT_MAX_KEYS = 10_000;
  /** SockJS heartbeat ({@code h} frame) interval when nothing else was written, ms. */
  public static final long DEFAULT_HEARTBEAT_INTERVAL = 25_000;
  /** A connection silent (no frame from the client) for longer than this is closed with {@code ping_timeout}, ms. */
  public static final long DEFAULT_PING_TIMEOUT = 60_000;
  /** Largest inbound SockJS frame (one WebSocket text message), in characters. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  /** Largest inbound bridge message (one element of a SockJS frame), in characters. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;
  /** Most addresses one connection may be registered on. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 64;
  /** Inbound bridge messages per second per connection (token bucket, one second of burst). */
  public static final int DEFAULT_MAX_INBOUND_PER_SECOND = 100;
  /** Most bridge connections on this node; more are refused with close reason {@code too_many_connections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
  /** Most distinct addresses with a node-level consumer at one time. */
  public static final int DEFAULT_MAX_ADDRESSES = 256;
  /** Timeout of an {@code ops.control.*} request forwarded to the event bus, ms. */
  public static final long DEFAULT_REPLY_TIMEOUT = 10_000;
  /** TCP send buffer of the HTTP server's sockets (see {@link #applyTo(HttpServerOptions)}); bounds kernel memory per slow client. */
  public static final int DEFAULT_SEND_BUFFER_SIZE = 64 * 1024;
  /**
   * Most live messages waiting to be handed from the node table to the connections of one event loop. Past it that
   * event loop is overloaded: its subscribers are treated as having missed messages (they get what they have, then
   * {@code slow_consumer}) instead of queuing without bound.
   */
  public static final int DEFAULT_MAX_HAND_OFF_MESSAGES = 1_024;
  /**
   * Longest the bridge's event loop may lag behind (time a task waits in its queue, probed every few ms) before the
   * node sheds incoming messages: they are counted as dropped, not encoded nor fanned out, and every subscriber is
   * treated as having missed them. Bounds what Vert.x queues per message for the node-level consumers, ms.
   */
  public static final long DEFAULT_MAX_INGRESS_LAG = 1_000;
  /** Node id answered to {@code ops.ping}. */
  public static final String DEFAULT_NODE_ID = "web";
  /**
   * How long an HTTP-transport session (xhr-streaming, xhr-polling, eventsource) lives without a receiving request,
   * ms (the SockJS disconnect delay); a closed one answers its close frame for as long.
   */
  public static final long DEFAULT_SESSION_TIMEOUT = 5_000;
  /** Most HTTP-transport sessions on this node (they count as connections too); a new one beyond gets 503. */
  public static final int DEFAULT_MAX_HTTP_SESSIONS = 10_000;
  /** Largest {@code xhr_send} body, bytes; a larger one gets 413. */
  public static final int DEFAULT_MAX_SEND_BYTES = 256 * 1024;
  /**
   * Bytes after which a streaming response (xhr-streaming, eventsource) ends so the browser frees it and opens
   * another (the SockJS {@code response_limit}); also the most one xhr-polling answer takes.
   */
  public static final long DEFAULT_RESPONSE_LIMIT = 128 * 1024;
  /** Set the {@code JSESSIONID} cookie on HTTP-transport responses (sticky sessions at a load balancer). */
  public static final boolean DEFAULT_COOKIE_NEEDED = false;

  private int maxBatchMessages = DEFAULT_MAX_BATCH_MESSAGES;
  private long maxBatchDelay = DEFAULT_MAX_BATCH_DELAY;
  private long batchLinger = DEFAULT_BATCH_LINGER;
  private long batchFillWait = DEFAULT_BATCH_FILL_WAIT;
  private int flushGroups = DEFAULT_FLUSH_GROUPS;
  private int maxQueueMessages = DEFAULT_MAX_QUEUE_MESSAGES;
  private long maxQueueBytes = DEFAULT_MAX_QUEUE_BYTES;
  private boolean conflation = DEFAULT_CONFLATION;
  private long slowConsumerGrace = DEFAULT_SLOW_CONSUMER_GRACE;
  private int historySize = DEFAULT_HISTORY_SIZE;
  private long historyMaxAge = DEFAULT_HISTORY_MAX_AGE;
  private int snapshotMaxKeys = DEFAULT_SNAPSHOT_MAX_KEYS;
  private int duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
  private long heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private long pingTimeout = DEFAULT_PING_TIMEOUT;
  private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
  private int maxInboundPerSecond = DEFAULT_MAX_INBOUND_PER_SECOND;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int maxAddresses = DEFAULT_MAX_ADDRESSES;
  private long replyTimeout = DEFAULT_REPLY_TIMEOUT;
  private int sendBufferSize = DEFAULT_SEND_BUFFER_SIZE;
  private int maxHandOffMessages = DEFAULT_MAX_HAND_OFF_MESSAGES;
  private long maxIngressLag = DEFAULT_MAX_INGRESS_LAG;
  private String nodeId = DEFAULT_NODE_ID;
  private long sessionTimeout = DEFAULT_SESSION_TIMEOUT;
  private int maxHttpSessions = DEFAULT_MAX_HTTP_SESSIONS;
  private int maxSendBytes = DEFAULT_MAX_SEND_BYTES;
  private long responseLimit = DEFAULT_RESPONSE_LIMIT;
  private boolean cookieNeeded = DEFAULT_COOKIE_NEEDED;
  private List<String> disabledTransports = new ArrayList<>();
  private String operatorToken;
  private List<String> allowedOrigins = new ArrayList<>();
  private List<String> streams = new ArrayList<>();

  public BridgeOptions() {
  }

  public BridgeOptions(BridgeOptions other) {
    this(other.toJson());
  }

  /**
   * Options from JSON with the option names as keys (durations in ms); keys not given keep their defaults.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a value a setter refuses
   */
  public BridgeOptions(JsonObject json) {
    if (json == null) {
      return;
    }
    try {
      DatabindCodec.mapper().updateValue(this, json.getMap());
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException("bridge options: " + describe(e), e);
    }
  }

  /** Reads options from the {@code bridge} object of the web verticle config (or any JSON with the same keys). */
  public static BridgeOptions fromJson(JsonObject json) {
    return new BridgeOptions(json);
  }

  /**
   * Reads options from a whole web verticle config: the {@code bridge} object, then the top-level {@code nodeId},
   * {@code operatorToken}, {@code allowedOrigins} and {@code streams} (array of addresses or of
   * {@code {"address":..,"kind":..}} objects, as {@code OpsStreams.toJson()} gives) when present.
   */
  public static BridgeOptions fromConfig(JsonObject config) {
    BridgeOptions options = new BridgeOptions(config.getJsonObject("bridge"));
    if (config.getString("nodeId") != null) options.setNodeId(config.getString("nodeId"));
    if (config.getString("operatorToken") != null) options.setOperatorToken(config.getString("operatorToken"));
    if (config.getJsonArray("allowedOrigins") != null) options.setAllowedOrigins(strings(config.getJsonArray("allowedOrigins")));
    if (config.getJsonArray("streams") != null) options.setStreams(streamAddresses(config.getJsonArray("streams")));
    return options;
  }

  public JsonObject toJson() {
    return JsonObject.mapFrom(this);
  }

  private static String describe(JsonMappingException e) {
    String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown option '" + key + "'";
    }
    Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
    String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
    return "'" + key + "': " + message;
  }

  /**
   * Applies the server-side settings the bridge relies on to the options of the HTTP server that mounts it:
   * the TCP send buffer size (bounds the kernel memory a stalled client can hold: on loopback the kernel buffers
   * about 4 MB per connection before the server sees its write queue fill) and the WebSocket frame/message limits
   * (a message up to 4x {@link #getMaxFrameSize()} is read and refused with {@code too_large}; bigger ones close
   * the socket), and no WebSocket compression (frames are encoded once and shared by many sockets).
   */
  public HttpServerOptions applyTo(HttpServerOptions server) {
    if (sendBufferSize > 0) {
      server.setSendBufferSize(sendBufferSize);
    }
    int frame = Math.max(maxFrameSize, maxMessageSize);
    server.setMaxWebSocketFrameSize(Math.max(server.getMaxWebSocketFrameSize(), Math.min(frame, 1 << 20)));
    server.setMaxWebSocketMessageSize(Math.max(server.getMaxWebSocketMessageSize(), (int) Math.min(4L * frame, 1 << 24)));
    // one encoded frame is shared by every socket it goes to; deflating it per connection would redo the work the
    // bridge saves (and hold a compressor per connection)
    server.setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
    return server;
  }

  private static List<String> strings(JsonArray array) {
    List<String> list = new ArrayList<>();
    if (array != null) {
      array.forEach(v -> list.add(String.valueOf(v)));
    }
    return list;
  }

  private static List<String> streamAddresses(JsonArray array) {
    List<String> list = new ArrayList<>();
    if (array != null) {
      for (Object v : array) {
        list.add(v instanceof JsonObject o ? o.getString("address") : String.valueOf(v));
      }
    }
    return list;
  }

  private static long positive(long value, String name) {
    if (value <= 0) throw new IllegalArgumentException(name + " must be > 0");
    return value;
  }

  public int getMaxBatchMessages() {
    return maxBatchMessages;
  }

  public BridgeOptions setMaxBatchMessages(int maxBatchMessages) {
    this.maxBatchMessages = (int) positive(maxBatchMessages, "maxBatchMessages");
    return this;
  }

  public long getMaxBatchDelay() {
    return maxBatchDelay;
  }

  /** 0 disables lingering: a partial batch is always written at the end of the burst. */
  public BridgeOptions setMaxBatchDelay(long maxBatchDelay) {
    if (maxBatchDelay < 0) throw new IllegalArgumentException("maxBatchDelay must be >= 0");
    this.maxBatchDelay = maxBatchDelay;
    return this;
  }

  public long getBatchLinger() {
    return batchLinger;
  }

  /** 0 disables lingering; values above {@link #getMaxBatchDelay()} act as the batch delay. */
  public BridgeOptions setBatchLinger(long batchLinger) {
    if (batchLinger < 0) throw new IllegalArgumentException("batchLinger must be >= 0");
    this.batchLinger = batchLinger;
    return this;
  }

  public long getBatchFillWait() {
    return batchFillWait;
  }

  /** At or below {@link #getBatchLinger()} (0, say) every busy connection flushes on the linger's grid. */
  public BridgeOptions setBatchFillWait(long batchFillWait) {
    if (batchFillWait < 0) throw new IllegalArgumentException("batchFillWait must be >= 0");
    this.batchFillWait = batchFillWait;
    return this;
  }

  public int getFlushGroups() {
    return flushGroups;
  }

  /** 1 = every busy connection of an event loop flushes at the same instants. */
  public BridgeOptions setFlushGroups(int flushGroups) {
    if (flushGroups < 1 || flushGroups > 64) throw new IllegalArgumentException("flushGroups must be 1..64");
    this.flushGroups = flushGroups;
    return this;
  }

  public int getMaxQueueMessages() {
    return maxQueueMessages;
  }

  public BridgeOptions setMaxQueueMessages(int maxQueueMessages) {
    this.maxQueueMessages = (int) positive(maxQueueMessages, "maxQueueMessages");
    return this;
  }

  public long getMaxQueueBytes() {
    return maxQueueBytes;
  }

  public BridgeOptions setMaxQueueBytes(long maxQueueBytes) {
    this.maxQueueBytes = positive(maxQueueBytes, "maxQueueBytes");
    return this;
  }

  public boolean isConflation() {
    return conflation;
  }

  public BridgeOptions setConflation(boolean conflation) {
    this.conflation = conflation;
    return this;
  }

  public long getSlowConsumerGrace() {
    return slowConsumerGrace;
  }

  public BridgeOptions setSlowConsumerGrace(long slowConsumerGrace) {
    this.slowConsumerGrace = positive(slowConsumerGrace, "slowConsumerGrace");
    return this;
  }

  public int getHistorySize() {
    return historySize;
  }

  /** 0 disables resume (every resume is a miss and gets a snapshot). */
  public BridgeOptions setHistorySize(int historySize) {
    if (historySize < 0) throw new IllegalArgumentException("historySize must be >= 0");
    this.historySize = historySize;
    return this;
  }

  public long getHistoryMaxAge() {
    return historyMaxAge;
  }

  public BridgeOptions setHistoryMaxAge(long historyMaxAge) {
    this.historyMaxAge = positive(historyMaxAge, "historyMaxAge");
    return this;
  }

  public int getSnapshotMaxKeys() {
    return snapshotMaxKeys;
  }

  public BridgeOptions setSnapshotMaxKeys(int snapshotMaxKeys) {
    if (snapshotMaxKeys < 0) throw new IllegalArgumentException("snapshotMaxKeys must be >= 0");
    this.snapshotMaxKeys = snapshotMaxKeys;
    return this;
  }

  public int getDuplicateWindow() {
    return duplicateWindow;
  }

  /** 0 turns the check off. */
  public BridgeOptions setDuplicateWindow(int duplicateWindow) {
    if (duplicateWindow < 0 || duplicateWindow > 1_000_000) {
      throw new IllegalArgumentException("duplicateWindow must be 0..1000000");
    }
    this.duplicateWindow = duplicateWindow;
    return this;
  }

  public long getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public BridgeOptions setHeartbeatInterval(long heartbeatInterval) {
    this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
    return this;
  }

  public long getPingTimeout() {
    return pingTimeout;
  }

  public BridgeOptions setPingTimeout(long pingTimeout) {
    this.pingTimeout = positive(pingTimeout, "pingTimeout");
    return this;
  }

  public int getMaxFrameSize() {
    return maxFrameSize;
  }

  public BridgeOptions setMaxFrameSize(int maxFrameSize) {
    this.maxFrameSize = (int) positive(maxFrameSize, "maxFrameSize");
    return this;
  }

  public int getMaxMessageSize() {
    return maxMessageSize;
  }

  public BridgeOptions setMaxMessageSize(int maxMessageSize) {
    this.maxMessageSize = (int) positive(maxMessageSize, "maxMessageSize");
    return this;
  }

  public int getMaxSubscriptions() {
    return maxSubscriptions;
  }

  public BridgeOptions setMaxSubscriptions(int maxSubscriptions) {
    this.maxSubscriptions = (int) positive(maxSubscriptions, "maxSubscriptions");
    return this;
  }

  public int getMaxInboundPerSecond() {
    return maxInboundPerSecond;
  }

  public BridgeOptions setMaxInboundPerSecond(int maxInboundPerSecond) {
    this.maxInboundPerSecond = (int) positive(maxInboundPerSecond, "maxInboundPerSecond");
    return this;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public BridgeOptions setMaxConnections(int maxConnections) {
    this.maxConnections = (int) positive(maxConnections, "maxConnections");
    return this;
  }

  public int getMaxAddresses() {
    return maxAddresses;
  }

  public BridgeOptions setMaxAddresses(int maxAddresses) {
    this.maxAddresses = (int) positive(maxAddresses, "maxAddresses");
    return this;
  }

  public long getReplyTimeout() {
    return replyTimeout;
  }

  public BridgeOptions setReplyTimeout(long replyTimeout) {
    this.replyTimeout = positive(replyTimeout, "replyTimeout");
    return this;
  }

  public int getSendBufferSize() {
    return sendBufferSize;
  }

  /** 0 or less keeps the operating system's default. */
  public BridgeOptions setSendBufferSize(int sendBufferSize) {
    this.sendBufferSize = sendBufferSize;
    return this;
  }

  public int getMaxHandOffMessages() {
    return maxHandOffMessages;
  }

  public BridgeOptions setMaxHandOffMessages(int maxHandOffMessages) {
    this.maxHandOffMessages = (int) positive(maxHandOffMessages, "maxHandOffMessages");
    return this;
  }

  public long getMaxIngressLag() {
    return maxIngressLag;
  }

  public BridgeOptions setMaxIngressLag(long maxIngressLag) {
    this.maxIngressLag = positive(maxIngressLag, "maxIngressLag");
    return this;
  }

  public String getNodeId() {
    return nodeId;
  }

  public BridgeOptions setNodeId(String nodeId) {
    if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("nodeId must not be blank");
    this.nodeId = nodeId;
    return this;
  }

  public String getOperatorToken() {
    return operatorToken;
  }

  /** Null or empty: no operator, every {@code ops.control.*} send is refused. */
  public BridgeOptions setOperatorToken(String operatorToken) {
    this.operatorToken = operatorToken;
    return this;
  }

  public List<String> getAllowedOrigins() {
    return Collections.unmodifiableList(allowedOrigins);
  }

  /**
   * Origins allowed to open a bridge WebSocket (e.g. {@code https://ops.example.com}; {@code *} allows all).
   * Same-origin requests and requests without an {@code Origin} header (non-browser clients) are always allowed;
   * when the list is empty, origins on {@code localhost}, {@code 127.0.0.1} or {@code [::1]} (any port) are allowed too.
   */
  public BridgeOptions setAllowedOrigins(List<String> allowedOrigins) {
    List<String> list = new ArrayList<>();
    for (String origin : Objects.requireNonNull(allowedOrigins, "allowedOrigins")) {
      if (origin == null || origin.isBlank()) throw new IllegalArgumentException("allowedOrigins must not hold blanks");
      String o = origin.trim().toLowerCase(Locale.ROOT);
      list.add(o.endsWith("/") ? o.substring(0, o.length() - 1) : o);
    }
    this.allowedOrigins = list;
    return this;
  }

  public List<String> getStreams() {
    return Collections.unmodifiableList(streams);
  }

  /**
   * Addresses whose node-level consumer is created at {@link FanoutBridge#start()} and kept while the bridge runs,
   * so their history window and snapshot fill before the first client registers. Each must start with {@code ops.}.
   */
  public BridgeOptions setStreams(List<String> streams) {
    List<String> list = new ArrayList<>();
    for (String s : Objects.requireNonNull(streams, "streams")) {
      if (!Addresses.isStream(s)) {
        throw new IllegalArgumentException("stream address must start with ops. (and be neither ops.control.* nor ops.ping): " + s);
      }
      list.add(s);
    }
    this.streams = list;
    return this;
  }

  public long getSessionTimeout() {
    return sessionTimeout;
  }

  public BridgeOptions setSessionTimeout(long sessionTimeout) {
    this.sessionTimeout = positive(sessionTimeout, "sessionTimeout");
    return this;
  }

  public int getMaxHttpSessions() {
    return maxHttpSessions;
  }

  public BridgeOptions setMaxHttpSessions(int maxHttpSessions) {
    this.maxHttpSessions = (int) positive(maxHttpSessions, "maxHttpSessions");
    return this;
  }

  public int getMaxSendBytes() {
    return maxSendBytes;
  }

  public BridgeOptions setMaxSendBytes(int maxSendBytes) {
    this.maxSendBytes = (int) positive(maxSendBytes, "maxSendBytes");
    return this;
  }

  public long getResponseLimit() {
    return responseLimit;
  }

  public BridgeOptions setResponseLimit(long responseLimit) {
    if (responseLimit < 1024) throw new IllegalArgumentException("responseLimit must be >= 1024");
    this.responseLimit = responseLimit;
    return this;
  }

  public boolean isCookieNeeded() {
    return cookieNeeded;
  }

  public BridgeOptions setCookieNeeded(boolean cookieNeeded) {
    this.cookieNeeded = cookieNeeded;
    return this;
  }

  public List<String> getDisabledTransports() {
    return Collections.unmodifiableList(disabledTransports);
  }

  /**
   * SockJS transports switched off, by their sockjs-client names: {@code websocket}, {@code xhr-streaming},
   * {@code xhr-polling}, {@code eventsource}. Their paths answer 404 and {@code /info} says {@code websocket:false}
   * when it is off.
   */
  public BridgeOptions setDisabledTransports(List<String> disabledTransports) {
    List<String> list = new ArrayList<>();
    for (String t : Objects.requireNonNull(disabledTransports, "disabledTransports")) {
      String name = t == null ? "" : t.trim().toLowerCase(Locale.ROOT);
      if (!HttpTransportKind.known(name)) {
        throw new IllegalArgumentException("unknown transport '" + t + "' (websocket, xhr-streaming, xhr-polling, eventsource)");
      }
      list.add(name);
    }
    this.disabledTransports = list;
    return this;
  }
}
