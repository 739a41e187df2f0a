package dev.opshub.web.bridge.transport;

import java.util.concurrent.TimeUnit;

/**
 * Whether a connection is alive: a client silent for longer than the ping timeout is dead; a connection nothing was
 * written to for a heartbeat interval gets a SockJS {@code h}. Times are {@code Clock.nanoTime()}.
 */
public final class Liveness {

  /** What a connection needs now. */
  public enum Verdict { ALIVE, HEARTBEAT, TIMED_OUT }

  private final long pingTimeoutNanos;
  private final long heartbeatNanos;
  private long lastInboundNanos;

  public Liveness(long pingTimeoutMs, long heartbeatIntervalMs, long nowNanos) {
    this.pingTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(pingTimeoutMs);
    this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
    this.lastInboundNanos = nowNanos;
  }

  /** How often to {@link #check}, ms: a quarter of the shorter of both, at least 10. */
  public static long tickMillis(long pingTimeoutMs, long heartbeatIntervalMs) {
    return Math.max(10, Math.min(heartbeatIntervalMs, pingTimeoutMs) / 4);
  }

  /** Something arrived from the client. */
  public void inbound(long nowNanos) {
    lastInboundNanos = nowNanos;
  }

  /**
   * @param lastWriteNanos when something was last written to the client
   * @param writable       whether the socket could take a heartbeat now
   */
  public Verdict check(long nowNanos, long lastWriteNanos, boolean writable) {
    if (nowNanos - lastInboundNanos > pingTimeoutNanos) {
      return Verdict.TIMED_OUT;
    }
    if (nowNanos - lastWriteNanos >= heartbeatNanos && writable) {
      return Verdict.HEARTBEAT;
    }
    return Verdict.ALIVE;
  }
}
