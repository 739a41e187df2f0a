package dev.opshub.bench;

import java.nio.charset.StandardCharsets;

/**
 * Reads a SockJS {@code a[...]} frame straight from its bytes: finds each array element (a JSON string holding one
 * escaped bridge message) and pulls {@code type}, {@code seq}, {@code ts}, {@code skipped} and, if asked, the {@code epoch},
 * {@code offset} and {@code snapshot} headers, in one pass and without building strings. This keeps the client's
 * cost per delivery around a microsecond, so it takes little CPU from the server it shares the machine with.
 * Frames it does not recognise (unusual escaping, spaces) are left to the slower string path.
 */
final class FrameScanner {

  /** What to do with each message found. */
  interface Sink {
    void message(BridgeMessage message);
  }

  private static final byte[] SEQ = ascii("seq\\\":");
  private static final byte[] TS = ascii("ts\\\":");
  private static final byte[] TYPE = ascii("type\\\":\\\"");
  private static final byte[] EPOCH = ascii("epoch\\\":\\\"");
  private static final byte[] OFFSET = ascii("offset\\\":\\\"");
  private static final byte[] SNAPSHOT = ascii("snapshot\\\":");
  private static final byte[] SKIPPED = ascii("skipped\\\":");

  private final BridgeMessage message = new BridgeMessage();

  /**
   * Scans {@code frame} (starting with {@code a[}); calls {@code sink} once per message. One pass: each element is
   * walked once, finding both its end (the first unescaped quote) and the fields.
   *
   * @return the number of messages, or -1 when the frame is not in the compact form this scanner reads (nothing
   *     was passed to the sink then)
   */
  int scan(byte[] frame, int length, boolean withHeaders, Sink sink) {
    if (length < 3 || frame[0] != 'a' || frame[1] != '[' || frame[length - 1] != ']') return -1;
    if (frame[2] == ']') return 0;
    if (frame[2] != '"') return -1;
    int count = 0;
    int i = 2;
    while (true) {
      int start = i + 1;
      int end = read(frame, start, length, withHeaders);
      if (end < 0) {
        if (count == 0) return -1;
        throw new IllegalStateException("truncated SockJS frame");
      }
      if (message.type == null) {
        // a message the fast path cannot read (an error, unusual spacing): decode it and read it as text
        sink.message(message.read(unescape(frame, start, end), withHeaders));
      } else {
        sink.message(message);
      }
      count++;
      i = end + 1;
      if (i >= length) throw new IllegalStateException("truncated SockJS frame");
      if (frame[i] == ']') return count;
      if (frame[i] != ',' || i + 1 >= length || frame[i + 1] != '"') {
        if (count == 0) return -1;
        throw new IllegalStateException("unexpected byte in SockJS frame at " + i);
      }
      i++;
    }
  }

  /**
   * Fills {@link #message} from the escaped message starting at {@code start} (type null = not readable here) and
   * returns the index of the element's closing quote, or -1 when there is none.
   */
  private int read(byte[] b, int start, int length, boolean withHeaders) {
    BridgeMessage m = message;
    m.type = null;
    m.seq = -1;
    m.ts = -1;
    m.epoch = null;
    m.offset = -1;
    m.snapshot = false;
    m.skipped = -1;
    m.error = null;
    boolean unreadable = false;
    int i = start;
    while (i < length) {
      byte c = b[i];
      if (c == '"') break;
      if (c != '\\') {
        i++;
        continue;
      }
      if (i + 1 >= length) return -1;
      if (b[i + 1] != '"' || unreadable) {
        i += 2;
        continue;
      }
      int k = i + 2;
      i = k;
      if (k >= length) return -1;
      switch (b[k]) {
        case 's' -> {
          if (matches(b, k, length, SEQ)) {
            m.seq = number(b, k + SEQ.length, length);
          } else if (matches(b, k, length, SKIPPED)) {
            m.skipped = number(b, k + SKIPPED.length, length);
          } else if (withHeaders && matches(b, k, length, SNAPSHOT)) {
            int v = k + SNAPSHOT.length;
            if (v < length && b[v] == '\\') v += 2;
            m.snapshot = v + 4 <= length && b[v] == 't' && b[v + 1] == 'r' && b[v + 2] == 'u' && b[v + 3] == 'e';
          }
        }
        case 't' -> {
          if (matches(b, k, length, TS)) {
            m.ts = number(b, k + TS.length, length);
          } else if (matches(b, k, length, TYPE)) {
            int v = k + TYPE.length;
            if (startsWith(b, v, length, "rec\\")) {
              m.type = BridgeMessage.Type.REC;
            } else if (startsWith(b, v, length, "pong\\")) {
              m.type = BridgeMessage.Type.PONG;
            } else {
              unreadable = true; // errors and anything else: rare, read the slow way
            }
          }
        }
        case 'e' -> {
          if (withHeaders && matches(b, k, length, EPOCH)) {
            int v = k + EPOCH.length;
            int stop = v;
            while (stop < length && b[stop] != '\\') stop++;
            m.epoch = new String(b, v, stop - v, StandardCharsets.US_ASCII);
          }
        }
        case 'o' -> {
          if (withHeaders && matches(b, k, length, OFFSET)) m.offset = number(b, k + OFFSET.length, length);
        }
        default -> {
          // a closing quote or another key
        }
      }
    }
    if (i >= length) return -1;
    if (unreadable) m.type = null;
    return i;
  }

  private static boolean matches(byte[] b, int at, int end, byte[] pattern) {
    if (at + pattern.length > end) return false;
    for (int i = 0; i < pattern.length; i++) {
      if (b[at + i] != pattern[i]) return false;
    }
    return true;
  }

  private static boolean startsWith(byte[] b, int at, int end, String prefix) {
    if (at + prefix.length() > end) return false;
    for (int i = 0; i < prefix.length(); i++) {
      if (b[at + i] != prefix.charAt(i)) return false;
    }
    return true;
  }

  /** Digits at {@code at}, optionally after an escaped quote; -1 if none. */
  private static long number(byte[] b, int at, int end) {
    int i = at;
    if (i + 1 < end && b[i] == '\\' && b[i + 1] == '"') i += 2;
    long v = 0;
    int first = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    return i == first ? -1 : v;
  }

  /** JSON string content (escaped) to its text. */
  static String unescape(byte[] b, int start, int end) {
    String raw = new String(b, start, end - start, StandardCharsets.UTF_8);
    if (raw.indexOf('\\') < 0) return raw;
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 >= raw.length()) {
        out.append(c);
        continue;
      }
      char e = raw.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 4 < raw.length()) {
            out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
            i += 4;
          }
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
