package dev.opshub.bench;

import java.nio.charset.StandardCharsets;

/**
 * Reads a SockJS {@code a[...]} frame straight from its bytes: finds each array element (a JSON string holding one
 * escaped bridge message) and pulls {@code type}, {@code seq}, {@code ts} and, if asked, the {@code epoch},
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

  private final BridgeMessage message = new BridgeMessage();

  /**
   * Scans {@code frame} (starting with {@code a[}); calls {@code sink} once per message.
   *
   * @return the number of messages, or -1 when the frame is not in the compact form this scanner reads (nothing
   *     was passed to the sink then)
   */
  int scan(byte[] frame, int length, boolean withHeaders, Sink sink) {
    int count = validate(frame, length);
    if (count <= 0) return count;
    int i = 2;
    while (true) {
      int start = i + 1;
      int end = stringEnd(frame, start, length);
      if (read(frame, start, end, withHeaders)) {
        sink.message(message);
      } else {
        // a message the fast path cannot read (an error, unusual spacing): decode it and read it as text
        sink.message(message.read(unescape(frame, start, end), withHeaders));
      }
      i = end + 1;
      if (frame[i] == ']') return count;
      i++;
    }
  }

  /** Number of elements if the frame is {@code a["..","..",...]} with no spaces, else -1 (0 for {@code a[]}). */
  private static int validate(byte[] frame, int length) {
    if (length < 3 || frame[0] != 'a' || frame[1] != '[') return -1;
    if (frame[2] == ']') return 0;
    int count = 0;
    int i = 2;
    while (true) {
      if (i >= length || frame[i] != '"') return -1;
      int end = stringEnd(frame, i + 1, length);
      if (end < 0 || end + 1 >= length) return -1;
      count++;
      i = end + 1;
      if (frame[i] == ']') return i == length - 1 ? count : -1;
      if (frame[i] != ',') return -1;
      i++;
    }
  }

  /** Index of the closing quote of a JSON string whose content starts at {@code from}; -1 if none. */
  private static int stringEnd(byte[] b, int from, int length) {
    for (int i = from; i < length; i++) {
      byte c = b[i];
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  /** Fills {@link #message} from the escaped message in {@code [start, end)}; false = not readable here. */
  private boolean read(byte[] b, int start, int end, boolean withHeaders) {
    BridgeMessage m = message;
    m.type = null;
    m.seq = -1;
    m.ts = -1;
    m.epoch = null;
    m.offset = -1;
    m.snapshot = false;
    m.error = null;
    for (int i = start; i < end - 1; i++) {
      if (b[i] != '\\' || b[i + 1] != '"') continue;
      int k = i + 2;
      switch (b[k]) {
        case 's' -> {
          if (matches(b, k, end, SEQ)) {
            m.seq = number(b, k + SEQ.length, end);
          } else if (withHeaders && matches(b, k, end, SNAPSHOT)) {
            int v = k + SNAPSHOT.length;
            if (v < end && b[v] == '\\') v += 2;
            m.snapshot = v + 4 <= end && b[v] == 't' && b[v + 1] == 'r' && b[v + 2] == 'u' && b[v + 3] == 'e';
          }
        }
        case 't' -> {
          if (matches(b, k, end, TS)) {
            m.ts = number(b, k + TS.length, end);
          } else if (matches(b, k, end, TYPE)) {
            int v = k + TYPE.length;
            if (startsWith(b, v, end, "rec\\")) {
              m.type = BridgeMessage.Type.REC;
            } else if (startsWith(b, v, end, "pong\\")) {
              m.type = BridgeMessage.Type.PONG;
            } else {
              return false; // errors and anything else: rare, read the slow way
            }
          }
        }
        case 'e' -> {
          if (withHeaders && matches(b, k, end, EPOCH)) {
            int v = k + EPOCH.length;
            int stop = v;
            while (stop < end && b[stop] != '\\') stop++;
            m.epoch = new String(b, v, stop - v, StandardCharsets.US_ASCII);
          }
        }
        case 'o' -> {
          if (withHeaders && matches(b, k, end, OFFSET)) m.offset = number(b, k + OFFSET.length, end);
        }
        default -> {
          // a closing quote or another key
        }
      }
    }
    if (m.type == null) return false;
    return true;
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
