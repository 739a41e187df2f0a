package dev.opshub.web.bridge.protocol;

/**
 * The inbound rate limit of one connection: a token bucket of {@code rate} messages per second with one second of
 * burst. A message over the rate is refused; a flood (more than ten times the rate refused within a second) is
 * abuse, answered by closing the connection rather than by an error per message. Times are {@code Clock.nanoTime()}.
 */
public final class InboundLimiter {

  /** What to do with one inbound message. */
  public enum Verdict { ACCEPTED, REFUSED, FLOOD }

  private static final long SECOND = 1_000_000_000L;

  private final int rate;
  private double tokens;
  private long tokensAtNanos;
  private long refusedWindowStart;
  private int refusedInWindow;

  public InboundLimiter(int ratePerSecond, long nowNanos) {
    this.rate = ratePerSecond;
    this.tokens = ratePerSecond;
    this.tokensAtNanos = nowNanos;
    this.refusedWindowStart = nowNanos - 2 * SECOND;
  }

  public int rate() {
    return rate;
  }

  public Verdict take(long nowNanos) {
    tokens = Math.min(rate, tokens + (nowNanos - tokensAtNanos) * (double) rate / SECOND);
    tokensAtNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return Verdict.ACCEPTED;
    }
    if (nowNanos - refusedWindowStart > SECOND) {
      refusedWindowStart = nowNanos;
      refusedInWindow = 0;
    }
    refusedInWindow++;
    return refusedInWindow > 10 * rate ? Verdict.FLOOD : Verdict.REFUSED;
  }
}
