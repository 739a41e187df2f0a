package dev.opshub.web.bridge.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.nio.charset.StandardCharsets;

/**
 * The SockJS HTTP receiving transports: their path, method, content type, prelude, and the framing of each SockJS
 * frame ({@code prefix + frame + suffix}). Streaming ones keep their response open (up to the response limit);
 * polling ends it after what one event-loop task wrote.
 */
public enum HttpTransportKind {

  XHR_STREAMING("xhr-streaming", "xhr_streaming", HttpMethod.POST, true, "application/javascript; charset=UTF-8",
      "h".repeat(2048) + "\n", Framing.XHR),
  XHR_POLLING("xhr-polling", "xhr", HttpMethod.POST, false, "application/javascript; charset=UTF-8", "", Framing.XHR),
  EVENTSOURCE("eventsource", "eventsource", HttpMethod.GET, true, "text/event-stream; charset=UTF-8", "\r\n",
      Framing.EVENT_SOURCE);

  /** The name of the WebSocket transport in sockjs-client and in {@code disabledTransports}. */
  public static final String WEBSOCKET = "websocket";

  /**
   * How one SockJS frame is wrapped; transports of the same framing share the encoded bytes of a frame.
   * sockjs-client reads eventsource data through {@code decodeURI}, so there every {@code %} goes as {@code %25}
   * (CR, LF and NUL never stand raw in a frame: JSON escapes them).
   */
  public enum Framing {
    XHR("", "\n", false),
    EVENT_SOURCE("data: ", "\r\n\r\n", true);

    private static final byte PERCENT = '%';
    private static final byte[] PERCENT_ESCAPED = {'%', '2', '5'};

    final byte[] prefix;
    final byte[] suffix;
    private final boolean percentEscaped;

    Framing(String prefix, String suffix, boolean percentEscaped) {
      this.prefix = prefix.getBytes(StandardCharsets.US_ASCII);
      this.suffix = suffix.getBytes(StandardCharsets.US_ASCII);
      this.percentEscaped = percentEscaped;
    }

    /** A text frame ({@code o}, {@code h}, {@code c[..]}) framed, in a buffer of its own. */
    public Buffer text(String frame) {
      byte[] body = frame.getBytes(StandardCharsets.UTF_8);
      Buffer buffer = Buffer.buffer(prefix.length + body.length + suffix.length).appendBytes(prefix);
      append(buffer, body);
      return buffer.appendBytes(suffix);
    }

    /** Appends {@code bytes} of a frame's payload, escaped as this framing needs. */
    void append(Buffer buffer, byte[] bytes) {
      if (!percentEscaped) {
        buffer.appendBytes(bytes);
        return;
      }
      int from = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == PERCENT) {
          buffer.appendBytes(bytes, from, i - from).appendBytes(PERCENT_ESCAPED);
          from = i + 1;
        }
      }
      buffer.appendBytes(bytes, from, bytes.length - from);
    }
  }

  private final String transportName;
  private final String path;
  private final HttpMethod method;
  private final boolean streaming;
  private final String contentType;
  private final Buffer prelude;
  private final Framing framing;

  HttpTransportKind(String transportName, String path, HttpMethod method, boolean streaming, String contentType,
                    String prelude, Framing framing) {
    this.transportName = transportName;
    this.path = path;
    this.method = method;
    this.streaming = streaming;
    this.contentType = contentType;
    this.prelude = Buffer.buffer(prelude.getBytes(StandardCharsets.US_ASCII));
    this.framing = framing;
  }

  /** As sockjs-client names it (its {@code transports} option) and {@code disabledTransports} does. */
  public String transportName() {
    return transportName;
  }

  /** The last path segment: {@code /<server>/<session>/<path>}. */
  public String path() {
    return path;
  }

  public HttpMethod method() {
    return method;
  }

  public boolean streaming() {
    return streaming;
  }

  public String contentType() {
    return contentType;
  }

  /** Written before anything else on a streaming response (empty for polling); shared, never modified. */
  public Buffer prelude() {
    return prelude;
  }

  public Framing framing() {
    return framing;
  }

  /** True for a transport name this enum or {@link #WEBSOCKET} knows (lower case). */
  public static boolean known(String transportName) {
    if (WEBSOCKET.equals(transportName)) {
      return true;
    }
    for (HttpTransportKind k : values()) {
      if (k.transportName.equals(transportName)) {
        return true;
      }
    }
    return false;
  }
}
