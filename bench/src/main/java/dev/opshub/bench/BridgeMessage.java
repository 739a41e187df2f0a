package dev.opshub.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The few fields the bench reads from one event-bus bridge message ({@code rec}/{@code err}/{@code pong}), pulled
 * out by scanning the text instead of building a JSON tree: the client shares the cores with the server it
 * measures, so every microsecond it spends per message is taken from the server. One mutable instance per event
 * loop, reused for every message.
 */
final class BridgeMessage {

  enum Type { REC, ERR, PONG, OTHER }

  private static final String TYPE = "\"type\"";
  private static final String SEQ = "\"seq\"";
  private static final String TS = "\"ts\"";
  private static final String EPOCH = "\"epoch\"";
  private static final String OFFSET = "\"offset\"";
  private static final String SNAPSHOT = "\"snapshot\"";
  private static final String SKIPPED = "\"skipped\"";

  Type type;
  long seq;
  long ts;
  String epoch;
  long offset;
  boolean snapshot;
  /** The publisher's count of messages it skipped so far (body {@code skipped}), -1 when the body has none. */
  long skipped;
  String error;

  /**
   * Reads {@code text}. {@code withHeaders}: also read epoch, offset and snapshot (only stalled connections need
   * them).
   */
  BridgeMessage read(String text, boolean withHeaders) {
    type = Type.OTHER;
    seq = -1;
    ts = -1;
    epoch = null;
    offset = -1;
    snapshot = false;
    skipped = -1;
    error = null;
    int t = valueStart(text, TYPE, 0);
    if (t < 0 || text.charAt(t) != '"') return this;
    if (text.startsWith("rec\"", t + 1)) {
      type = Type.REC;
      seq = longAt(text, valueStart(text, SEQ, 0));
      ts = longAt(text, valueStart(text, TS, 0));
      skipped = longAt(text, valueStart(text, SKIPPED, 0));
      if (withHeaders) {
        int e = valueStart(text, EPOCH, 0);
        epoch = e < 0 ? null : stringAt(text, e);
        offset = longAt(text, valueStart(text, OFFSET, 0));
        int s = valueStart(text, SNAPSHOT, 0);
        snapshot = s >= 0 && "true".equals(stringAt(text, s));
      }
    } else if (text.startsWith("err\"", t + 1)) {
      type = Type.ERR;
      error = errorCode(text);
    } else if (text.startsWith("pong\"", t + 1)) {
      type = Type.PONG;
    }
    return this;
  }

  /** Index of the first character of the value of {@code quotedKey}, or -1. */
  static int valueStart(String s, String quotedKey, int from) {
    int i = s.indexOf(quotedKey, from);
    if (i < 0) return -1;
    i += quotedKey.length();
    int n = s.length();
    while (i < n && s.charAt(i) == ' ') i++;
    if (i >= n || s.charAt(i) != ':') return -1;
    i++;
    while (i < n && s.charAt(i) == ' ') i++;
    return i < n ? i : -1;
  }

  /** A decimal number at {@code i}, quoted or not; -1 when there is none. */
  static long longAt(String s, int i) {
    if (i < 0) return -1;
    int n = s.length();
    if (s.charAt(i) == '"') i++;
    long v = 0;
    int start = i;
    while (i < n) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') break;
      v = v * 10 + (c - '0');
      i++;
    }
    return i == start ? -1 : v;
  }

  /** A JSON string without escapes at {@code i} (header values are plain), or the bare token there. */
  static String stringAt(String s, int i) {
    if (s.charAt(i) == '"') {
      int end = s.indexOf('"', i + 1);
      return end < 0 ? null : s.substring(i + 1, end);
    }
    int end = i;
    while (end < s.length() && ",}] ".indexOf(s.charAt(end)) < 0) end++;
    return s.substring(i, end);
  }

  /** Errors are rare: parse them fully. The bridge puts the code in body (stock) or message/failureType. */
  private static String errorCode(String text) {
    try {
      JsonObject json = new JsonObject(text);
      Object body = json.getValue("body");
      if (body instanceof String code) return code;
      if (json.getValue("message") instanceof String message) return message;
      if (json.getValue("failureType") instanceof String failure) return failure;
      return "err";
    } catch (DecodeException e) {
      return "err_unparsable";
    }
  }
}
