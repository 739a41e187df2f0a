package dev.opshub.web.bridge;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * One event-bus message on an {@code ops.*} address, encoded once per node as the SockJS element of its {@code rec}
 * frame. Immutable once built except {@link #snapshotElement()}, computed lazily on the bridge context.
 */
final class EncodedMessage {

  static final long NONE = -1;

  final String address;
  /** Epoch header, or {@link #NONE}. */
  final long epoch;
  /** Offset header, or {@link #NONE}. */
  final long offset;
  /** Body {@code key} (state streams), or null. */
  final String key;
  /** Conflation key (address + NUL + key) when keyed, else null. */
  final String conflationKey;
  /** Body {@code ts} (publish time, epoch ms), or 0. */
  final long ts;
  /** When this node received it (System.nanoTime()). */
  final long receivedNanos;
  final byte[] element;
  private final JsonObject frame;
  private byte[] snapshotElement;

  private EncodedMessage(String address, long epoch, long offset, String key, long ts, JsonObject frame) {
    this.address = address;
    this.epoch = epoch;
    this.offset = offset;
    this.key = key;
    this.conflationKey = key == null ? null : address + '\u0000' + key;
    this.ts = ts;
    // only keyed (state) messages can appear in a snapshot: keep the tree just for them
    this.frame = key == null ? null : frame;
    this.receivedNanos = System.nanoTime();
    this.element = SockJs.element(frame);
  }

  static EncodedMessage of(String address, MultiMap headers, Object body) {
    JsonObject headersJson = new JsonObject();
    headers.forEach(h -> headersJson.put(h.getKey(), h.getValue()));
    JsonObject frame = new JsonObject().put("type", "rec").put("address", address).put("headers", headersJson).put("body", body);
    String key = null;
    long ts = 0;
    if (body instanceof JsonObject json) {
      Object k = json.getValue("key");
      key = k == null ? null : String.valueOf(k);
      Object t = json.getValue("ts");
      ts = t instanceof Number n ? n.longValue() : 0;
    }
    return new EncodedMessage(address, parse(headers.get("epoch")), parse(headers.get("offset")), key, ts, frame);
  }

  boolean sequenced() {
    return epoch != NONE && offset != NONE;
  }

  /** The same message with header {@code snapshot:"true"}; encoded on first use. */
  byte[] snapshotElement() {
    byte[] s = snapshotElement;
    if (s == null && frame != null) {
      JsonObject copy = frame.copy();
      copy.getJsonObject("headers").put("snapshot", "true");
      s = SockJs.element(copy);
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
