package dev.opshub.web;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link WebVerticle}, read from the verticle's config JSON through Jackson (getters and setters).
 * The bridge's own entries ({@code bridge}, {@code streams}, {@code allowedOrigins}, and {@code nodeId}/{@code
 * operatorToken} again) are read from the same JSON by {@code BridgeOptions.fromConfig}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY,
    isGetterVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY, setterVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY)
@JsonIgnoreProperties({"bridge", "streams", "allowedOrigins"})
public class WebOptions {

  /** Interface the HTTP server binds to. */
  public static final String DEFAULT_HOST = "0.0.0.0";
  /** HTTP port; 0 picks a free one. */
  public static final int DEFAULT_HTTP_PORT = 8080;
  /**
   * How long the REST gateway waits for the engine's reply before answering 503 {@code no_engine}: the engine
   * answers in milliseconds, so a request without an answer by then meets a dead or departing engine; 750 ms
   * leaves room for a busy node's own delays within the second every answer, 503 included, must come in.
   */
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 750;
  /** Largest REST request body accepted (bigger ones get 413 {@code too_large}). */
  public static final long DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
  /**
   * How long a stopping web node answers {@code /ready} 503 {@code draining} before it tells its bridge clients to
   * reconnect elsewhere, ms: 0, none (the embedded single node has no load balancer to wait for). Behind a load
   * balancer: its check interval times the failed checks it needs to mark a node down, plus a margin.
   */
  public static final long DEFAULT_DRAIN_MS = 0;
  /** A connection with no byte either way for this long is closed (keep it above the bridge's heartbeat interval). */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
  /** Longest drain accepted, ms. */
  public static final long MAX_DRAIN_MS = 120_000;

  private String host = DEFAULT_HOST;
  private int httpPort = DEFAULT_HTTP_PORT;
  private String nodeId = "local";
  private List<String> roles = List.of("web");
  private String operatorToken;
  private List<String> nodes = List.of();
  private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private long bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES;
  private int webInstances = 0;
  private long drainMs = DEFAULT_DRAIN_MS;
  private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;

  public WebOptions() {
  }

  /**
   * Options from the web verticle's config (option names as keys; the bridge's own keys are left to
   * {@code BridgeOptions.fromConfig}); keys not given keep their defaults.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a value a setter refuses
   */
  public static WebOptions fromJson(JsonObject json) {
    WebOptions options = new WebOptions();
    try {
      DatabindCodec.mapper().updateValue(options, json.getMap());
    } catch (JsonMappingException e) {
      String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
      throw new IllegalArgumentException("web options: '" + key + "': " + (e.getCause() == null ? e.getOriginalMessage()
          : e.getCause().getMessage()), e);
    }
    return options;
  }

  public JsonObject toJson() {
    return JsonObject.mapFrom(this);
  }

  /** HTTP server instances (event loops accepting connections); 0 = one per available processor. */
  public int getWebInstances() {
    return webInstances;
  }

  /** The instance count in effect: {@link #getWebInstances()}, or the available processors when 0. */
  public int effectiveWebInstances() {
    return webInstances > 0 ? webInstances : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public WebOptions setWebInstances(int webInstances) {
    if (webInstances < 0 || webInstances > 256) {
      throw new IllegalArgumentException("webInstances must be 0..256");
    }
    this.webInstances = webInstances;
    return this;
  }

  public String getHost() {
    return host;
  }

  public WebOptions setHost(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  public int getHttpPort() {
    return httpPort;
  }

  public WebOptions setHttpPort(int httpPort) {
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort must be 0..65535");
    }
    this.httpPort = httpPort;
    return this;
  }

  public String getNodeId() {
    return nodeId;
  }

  public WebOptions setNodeId(String nodeId) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    return this;
  }

  public List<String> getRoles() {
    return roles;
  }

  public WebOptions setRoles(List<String> roles) {
    this.roles = List.copyOf(roles);
    return this;
  }

  /** The operator token, or null when operator actions are disabled (every one is refused). */
  public String getOperatorToken() {
    return operatorToken;
  }

  public WebOptions setOperatorToken(String operatorToken) {
    this.operatorToken = operatorToken == null || operatorToken.isEmpty() ? null : operatorToken;
    return this;
  }

  /** Base URLs of the web nodes a dashboard may fail over to; empty means only this node. */
  public List<String> getNodes() {
    return nodes;
  }

  public WebOptions setNodes(List<String> nodes) {
    this.nodes = List.copyOf(nodes);
    return this;
  }

  public long getRequestTimeoutMs() {
    return requestTimeoutMs;
  }

  public WebOptions setRequestTimeoutMs(long requestTimeoutMs) {
    if (requestTimeoutMs < 1) {
      throw new IllegalArgumentException("requestTimeoutMs must be > 0");
    }
    this.requestTimeoutMs = requestTimeoutMs;
    return this;
  }

  public long getIdleTimeoutMs() {
    return idleTimeoutMs;
  }

  public WebOptions setIdleTimeoutMs(long idleTimeoutMs) {
    if (idleTimeoutMs < 100 || idleTimeoutMs > 3_600_000) {
      throw new IllegalArgumentException("idleTimeoutMs must be 100..3600000");
    }
    this.idleTimeoutMs = idleTimeoutMs;
    return this;
  }

  public long getBodyLimitBytes() {
    return bodyLimitBytes;
  }

  public WebOptions setBodyLimitBytes(long bodyLimitBytes) {
    if (bodyLimitBytes < 1) {
      throw new IllegalArgumentException("bodyLimitBytes must be > 0");
    }
    this.bodyLimitBytes = bodyLimitBytes;
    return this;
  }

  /** How long a stopping node answers {@code /ready} 503 {@code draining} before it closes its bridge clients, ms. */
  public long getDrainMs() {
    return drainMs;
  }

  public WebOptions setDrainMs(long drainMs) {
    if (drainMs < 0 || drainMs > MAX_DRAIN_MS) {
      throw new IllegalArgumentException("drainMs must be 0.." + MAX_DRAIN_MS);
    }
    this.drainMs = drainMs;
    return this;
  }
}
