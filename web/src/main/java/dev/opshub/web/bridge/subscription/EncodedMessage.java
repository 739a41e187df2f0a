package dev.opshub.web.bridge.subscription;

import dev.opshub.contract.BridgeProtocol;
import dev.opshub.contract.Headers;
import dev.opshub.web.bridge.transport.SockJsFrames;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * One event-bus message on an {@code ops.*} address, encoded once per node as the SockJS element of its {@code rec}
 * frame. Immutable once built except {@link #snapshotElement()}, computed lazily on the bridge context.
 */
public final class EncodedMessage {

  public static final long NONE = -1;

  public final String address;
  /** Epoch header, or {@link #NONE}. */
  public final long epoch;
  /** Offset header, or {@link #NONE}. */
  public final long offset;
  /** Body {@code key} (state streams), or null. */
  public final String key;
  /** Conflation key (address + NUL + key) when keyed, else null. */
  public final String conflationKey;
  /** Body {@code ts} (publish time, epoch ms), or 0. */
  public final long ts;
  /** When this node received it ({@code Clock.nanoTime()}). */
  public final long receivedNanos;
  public final byte[] element;
  private final JsonObject frame;
  private byte[] snapshotElement;

  private EncodedMessage(String address, long epoch, long offset, String key, long ts, JsonObject frame, long nowNanos) {
    this.address = address;
    this.epoch = epoch;
    this.offset = offset;
    this.key = key;
    this.conflationKey = key == null ? null : address + '\u0000' + key;
    this.ts = ts;
    // only keyed (state) messages can appear in a snapshot: keep the tree just for them
    this.frame = key == null ? null : frame;
    this.receivedNanos = nowNanos;
    this.element = SockJsFrames.element(frame);
  }

  /** Encodes an event-bus message received at {@code nowNanos}. */
  public static EncodedMessage of(String address, MultiMap headers, Object body, long nowNanos) {
    JsonObject headersJson = new JsonObject();
    headers.forEach(h -> headersJson.put(h.getKey(), h.getValue()));
    JsonObject frame = new JsonObject().put(BridgeProtocol.TYPE, BridgeProtocol.REC).put(BridgeProtocol.ADDRESS, address)
        .put(BridgeProtocol.HEADERS, headersJson).put(BridgeProtocol.BODY, body);
    String key = null;
    long ts = 0;
    if (body instanceof JsonObject json) {
      Object k = json.getValue(BridgeProtocol.BODY_KEY);
      key = k == null ? null : String.valueOf(k);
      Object t = json.getValue(BridgeProtocol.BODY_TS);
      ts = t instanceof Number n ? n.longValue() : 0;
    }
    return new EncodedMessage(address, parse(headers.get(Headers.EPOCH)), parse(headers.get(Headers.OFFSET)), key, ts, frame, nowNanos);
  }

  public boolean sequenced() {
    return epoch != NONE && offset != NONE;
  }

  /** The same message with header {@code snapshot:"true"}; encoded on first use. */
  byte[] snapshotElement() {
    byte[] s = snapshotElement;
    if (s == null && frame != null) {
      JsonObject copy = frame.copy();
      copy.getJsonObject(BridgeProtocol.HEADERS).put(Headers.SNAPSHOT, "true");
      s = SockJsFrames.element(copy);
      snapshotElement = s;
    }
    return s;
  }

  private static long parse(String value) {
    if (value == null) {
      return NONE;
    }
    try {
      long v = Long.parseLong(value.trim());
      return v < 0 ? NONE : v;
    } catch (NumberFormatException e) {
      return NONE;
    }
  }
}
