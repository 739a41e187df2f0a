package dev.opshub.web.bridge.delivery;

import dev.opshub.contract.Clock;
import dev.opshub.contract.ManualClock;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EventLoop} for tests: posted tasks and timers run only when the test says so ({@link #runPending()},
 * {@link #advance}), on a {@link ManualClock}, so every decision taken on time is exact.
 */
public final class ManualEventLoop implements EventLoop {

  private record Scheduled(long dueNanos, long seq, Runnable task, boolean[] cancelled) {
  }

  private final ManualClock clock = new ManualClock();
  private final ArrayDeque<Runnable> posted = new ArrayDeque<>();
  private final PriorityQueue<Scheduled> timers = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
      ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
  private long seq;
  private int timersArmed;

  @Override
  public Clock clock() {
    return clock;
  }

  public ManualClock manualClock() {
    return clock;
  }

  @Override
  public void post(Runnable task) {
    posted.add(task);
  }

  @Override
  public Timer schedule(long delayNanos, Runnable task) {
    boolean[] cancelled = new boolean[1];
    timers.add(new Scheduled(clock.nanoTime() + Math.max(1, delayNanos), seq++, task, cancelled));
    timersArmed++;
    return () -> cancelled[0] = true;
  }

  /** Timers armed so far (cancelled ones included). */
  public int timersArmed() {
    return timersArmed;
  }

  /** Timers that will still fire. */
  public long timersPending() {
    return timers.stream().filter(t -> !t.cancelled[0]).count();
  }

  /** Runs posted tasks (and those they post) until none is left. */
  public void runPending() {
    Runnable task;
    while ((task = posted.poll()) != null) {
      task.run();
    }
  }

  /** Moves time forward by {@code amount}, running each timer at its due time and posted tasks as they come. */
  public void advance(long amount, TimeUnit unit) {
    runPending();
    long until = clock.nanoTime() + unit.toNanos(amount);
    while (true) {
      Scheduled next = timers.peek();
      if (next == null || next.dueNanos > until) {
        break;
      }
      timers.poll();
      if (next.dueNanos > clock.nanoTime()) {
        clock.advance(next.dueNanos - clock.nanoTime(), TimeUnit.NANOSECONDS);
      }
      if (!next.cancelled[0]) {
        next.task.run();
      }
      runPending();
    }
    if (until > clock.nanoTime()) {
      clock.advance(until - clock.nanoTime(), TimeUnit.NANOSECONDS);
    }
  }
}
