package dev.opshub.web.bridge.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The node's SockJS HTTP sessions by session id (the server id of the path is ignored), shared by every HTTP server
 * instance of the node, bounded: past {@code maxSessions} a new session is refused. Safe from any thread.
 */
public final class HttpSessionTable implements HttpSession.Table {

  /** The session of an id: found, or made by this call. */
  public record Slot(HttpSession session, boolean created) {
  }

  private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int maxSessions;

  public HttpSessionTable(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  /** The session of {@code id}, or null. */
  public HttpSession get(String id) {
    return sessions.get(id);
  }

  /**
   * The session of {@code id}, made by {@code factory} (given this table) when there is none; null when there is
   * none and the table is full.
   */
  public Slot acquire(String id, Function<HttpSession.Table, HttpSession> factory) {
    HttpSession existing = sessions.get(id);
    if (existing != null) {
      return new Slot(existing, false);
    }
    if (size.incrementAndGet() > maxSessions) {
      size.decrementAndGet();
      return null;
    }
    HttpSession made = factory.apply(this);
    HttpSession raced = sessions.putIfAbsent(id, made);
    if (raced != null) {
      size.decrementAndGet();
      return new Slot(raced, false);
    }
    return new Slot(made, true);
  }

  @Override
  public void remove(HttpSession session) {
    if (sessions.remove(session.id(), session)) {
      size.decrementAndGet();
    }
  }

  public int size() {
    return size.get();
  }
}
