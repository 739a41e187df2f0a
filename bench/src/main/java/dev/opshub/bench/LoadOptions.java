package dev.opshub.bench;

import dev.opshub.contract.Addresses;

import java.net.URI;

/**
 * What one load run does: how many SockJS connections, to which bridge, on which address, for how long, and
 * which of them stall. Defaults match {@code nats bench}-style quick runs against a local hub.
 */
public final class LoadOptions {

  public static final String DEFAULT_URL = "http://127.0.0.1:8080/eventbus";
  public static final String DEFAULT_ADDRESS = Addresses.BENCH;
  public static final int DEFAULT_CONNECTIONS = 1000;
  public static final int DEFAULT_WARMUP_SECONDS = 10;
  public static final int DEFAULT_DURATION_SECONDS = 30;
  /** Connections handshaking at the same time (all loops together); more only fills the server's accept queue. */
  public static final int DEFAULT_CONNECT_CONCURRENCY = 200;
  /** Whole connect phase bound; the run goes on with whatever connected by then. */
  public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 120;
  /** Loopback has ~28k ephemeral ports (32768-60999); past this many connections a new 127.0.0.x source is used. */
  public static final int DEFAULT_CONNECTIONS_PER_SOURCE = 20_000;
  /** The stock bridge drops a socket that sends no ping for 10 s; the official client pings every 5 s. */
  public static final int DEFAULT_PING_INTERVAL_MS = 5_000;
  public static final int DEFAULT_STALL_FOR_SECONDS = 30;
  /** After a stalled client resumes reading, how long it waits for the server's close before closing itself. */
  public static final int DEFAULT_DRAIN_MS = 3_000;

  /** A WebSocket upgrade that gets no answer within this is counted as failed, so the connect phase never hangs. */
  public static final int DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;

  private URI url = URI.create(DEFAULT_URL);
  private String address = DEFAULT_ADDRESS;
  private int connections = DEFAULT_CONNECTIONS;
  private int warmupSeconds = DEFAULT_WARMUP_SECONDS;
  private int durationSeconds = DEFAULT_DURATION_SECONDS;
  private int threads = Runtime.getRuntime().availableProcessors();
  private int connectConcurrency = DEFAULT_CONNECT_CONCURRENCY;
  private int connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;
  private int connectionsPerSource = DEFAULT_CONNECTIONS_PER_SOURCE;
  private int pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
  private int stall;
  private int stallForSeconds = DEFAULT_STALL_FOR_SECONDS;
  private int drainMs = DEFAULT_DRAIN_MS;
  private int handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
  private int stallReceiveBuffer;
  private long serverPid;
  private double expectedRate;
  private SockJsLink.Transport transport = SockJsLink.Transport.WEBSOCKET;
  private String scenario = "";
  private String label = "";
  private boolean progress = true;

  public URI url() {
    return url;
  }

  public LoadOptions setUrl(String url) {
    return setUrl(URI.create(url));
  }

  public LoadOptions setUrl(URI url) {
    if (url.getHost() == null || !("http".equals(url.getScheme()) || "ws".equals(url.getScheme()))) {
      throw new IllegalArgumentException("url must be http://host:port/path (got " + url + ")");
    }
    this.url = url;
    return this;
  }

  public String address() {
    return address;
  }

  public LoadOptions setAddress(String address) {
    if (address == null || address.isBlank()) throw new IllegalArgumentException("address must not be blank");
    this.address = address;
    return this;
  }

  public int connections() {
    return connections;
  }

  public LoadOptions setConnections(int connections) {
    if (connections < 1) throw new IllegalArgumentException("connections must be > 0");
    this.connections = connections;
    return this;
  }

  public int warmupSeconds() {
    return warmupSeconds;
  }

  public LoadOptions setWarmupSeconds(int warmupSeconds) {
    if (warmupSeconds < 0) throw new IllegalArgumentException("warmup must be >= 0");
    this.warmupSeconds = warmupSeconds;
    return this;
  }

  public int durationSeconds() {
    return durationSeconds;
  }

  public LoadOptions setDurationSeconds(int durationSeconds) {
    if (durationSeconds < 1) throw new IllegalArgumentException("duration must be > 0");
    this.durationSeconds = durationSeconds;
    return this;
  }

  public int threads() {
    return threads;
  }

  public LoadOptions setThreads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be > 0");
    this.threads = threads;
    return this;
  }

  public int connectConcurrency() {
    return connectConcurrency;
  }

  public LoadOptions setConnectConcurrency(int connectConcurrency) {
    if (connectConcurrency < 1) throw new IllegalArgumentException("connectConcurrency must be > 0");
    this.connectConcurrency = connectConcurrency;
    return this;
  }

  public int connectTimeoutSeconds() {
    return connectTimeoutSeconds;
  }

  public LoadOptions setConnectTimeoutSeconds(int connectTimeoutSeconds) {
    if (connectTimeoutSeconds < 1) throw new IllegalArgumentException("connectTimeout must be > 0");
    this.connectTimeoutSeconds = connectTimeoutSeconds;
    return this;
  }

  public int connectionsPerSource() {
    return connectionsPerSource;
  }

  public LoadOptions setConnectionsPerSource(int connectionsPerSource) {
    if (connectionsPerSource < 1) throw new IllegalArgumentException("connectionsPerSource must be > 0");
    this.connectionsPerSource = connectionsPerSource;
    return this;
  }

  public int pingIntervalMs() {
    return pingIntervalMs;
  }

  public LoadOptions setPingIntervalMs(int pingIntervalMs) {
    if (pingIntervalMs < 100) throw new IllegalArgumentException("pingInterval must be >= 100 ms");
    this.pingIntervalMs = pingIntervalMs;
    return this;
  }

  public int stall() {
    return stall;
  }

  public LoadOptions setStall(int stall) {
    if (stall < 0) throw new IllegalArgumentException("stall must be >= 0");
    this.stall = stall;
    return this;
  }

  public int stallForSeconds() {
    return stallForSeconds;
  }

  public LoadOptions setStallForSeconds(int stallForSeconds) {
    if (stallForSeconds < 1) throw new IllegalArgumentException("stallFor must be > 0");
    this.stallForSeconds = stallForSeconds;
    return this;
  }

  public int drainMs() {
    return drainMs;
  }

  public LoadOptions setDrainMs(int drainMs) {
    if (drainMs < 0) throw new IllegalArgumentException("drainMs must be >= 0");
    this.drainMs = drainMs;
    return this;
  }

  public int stallReceiveBuffer() {
    return stallReceiveBuffer;
  }

  /** SO_RCVBUF of the stalling connections in bytes; 0 = the kernel's autotuned default. */
  public LoadOptions setStallReceiveBuffer(int stallReceiveBuffer) {
    if (stallReceiveBuffer < 0) throw new IllegalArgumentException("stallReceiveBuffer must be >= 0");
    this.stallReceiveBuffer = stallReceiveBuffer;
    return this;
  }

  public int handshakeTimeoutMs() {
    return handshakeTimeoutMs;
  }

  public LoadOptions setHandshakeTimeoutMs(int handshakeTimeoutMs) {
    if (handshakeTimeoutMs < 100) throw new IllegalArgumentException("handshakeTimeout must be >= 100 ms");
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    return this;
  }

  public long serverPid() {
    return serverPid;
  }

  /** 0 = do not sample a server process. */
  public LoadOptions setServerPid(long serverPid) {
    if (serverPid < 0) throw new IllegalArgumentException("serverPid must be >= 0");
    this.serverPid = serverPid;
    return this;
  }

  public double expectedRate() {
    return expectedRate;
  }

  /** The publisher's rate in msg/s, only copied into the report so deliveries/s can be read against rate x conns. */
  public LoadOptions setExpectedRate(double expectedRate) {
    if (expectedRate < 0) throw new IllegalArgumentException("expectedRate must be >= 0");
    this.expectedRate = expectedRate;
    return this;
  }

  public String transport() {
    return transport.flag;
  }

  SockJsLink.Transport transportKind() {
    return transport;
  }

  /** {@code websocket} or {@code xhr-streaming}. */
  public LoadOptions setTransport(String transport) {
    this.transport = SockJsLink.Transport.of(transport);
    return this;
  }

  public String scenario() {
    return scenario;
  }

  public LoadOptions setScenario(String scenario) {
    this.scenario = scenario == null ? "" : scenario;
    return this;
  }

  public String label() {
    return label;
  }

  public LoadOptions setLabel(String label) {
    this.label = label == null ? "" : label;
    return this;
  }

  public boolean progress() {
    return progress;
  }

  public LoadOptions setProgress(boolean progress) {
    this.progress = progress;
    return this;
  }

  /** Host part of the url (no brackets). */
  String host() {
    return url.getHost();
  }

  int port() {
    if (url.getPort() > 0) return url.getPort();
    return 80;
  }

  /** Path of the SockJS endpoint without a trailing slash, e.g. {@code /eventbus}. */
  String basePath() {
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    return path;
  }
}
