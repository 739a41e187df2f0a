package dev.opshub.engine.domain;

import dev.opshub.contract.Clock;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A drill's clock: a queue of events at drill times (seconds), run in order of time, then rank
 * ({@link #RANK_SAMPLE}, {@link #RANK_CONTROL}, {@link #RANK_AGENT} + agent), then scheduling order. Wall time
 * paces it at {@code speed} drill seconds per wall second ({@link #REPLAY_SPEED} or more while replaying), and
 * it never runs an event later than a task still in flight, so a drill's events come in the same order however
 * fast the machine and the agents are. Not thread-safe: one event loop drives it.
 */
final class DrillClock {

  /** Drill seconds per wall second while replaying a drill taken over from another engine. */
  static final double REPLAY_SPEED = 1000;
  /** Rank of the scenario's signal samples: first among events at the same time. */
  static final int RANK_SAMPLE = 0;
  /** Rank of the drill's own deadlines (approval policy). */
  static final int RANK_CONTROL = 5;
  /** Rank of agents' results; the agent's ordinal is added, so agents at the same time run by id. */
  static final int RANK_AGENT = 10;

  private static final double EPSILON = 1e-9;

  private record Event(double at, int rank, long seq, Runnable run) {
  }

  private final Clock wall;
  private final Timers timers;
  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at() != b.at()
      ? Double.compare(a.at(), b.at()) : a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank())
      : Long.compare(a.seq(), b.seq()));
  private final Map<String, Double> inFlight = new LinkedHashMap<>();
  private long seq;
  private long timer = -1;
  private double speed;
  private double now;
  private double anchorDrill;
  private long anchorNanos;
  private boolean running;
  private double replayUntil;
  private Runnable replayDone;

  DrillClock(Clock wall, Timers timers, double speed) {
    this.wall = wall;
    this.timers = timers;
    this.speed = speed;
  }

  /** Drill time of the event running or last run. */
  double now() {
    return now;
  }

  double speed() {
    return speed;
  }

  boolean running() {
    return running;
  }

  /** Drill seconds per wall second now: the speed, or {@link #REPLAY_SPEED} when replaying slower than that. */
  double pace() {
    return replaying() ? Math.max(speed, REPLAY_SPEED) : speed;
  }

  /** True while the clock is before the drill time it replays up to. */
  boolean replaying() {
    return now < replayUntil;
  }

  /**
   * Runs the events before drill time {@code until} at {@link #REPLAY_SPEED}; as the first event at or after it
   * is due, calls {@code done} (which may {@link #pause}) and goes on at the drill's speed from there.
   */
  void replayUntil(double until, Runnable done) {
    replayUntil = until;
    replayDone = done;
  }

  /** Starts the clock at drill time 0; {@link #pump} runs what is due. */
  void start() {
    anchorNanos = wall.nanoTime();
    anchorDrill = 0;
    running = true;
  }

  /** Stops the clock where wall time has brought it. */
  void pause() {
    anchorDrill = reached();
    running = false;
    cancelTimer();
  }

  /** Goes on from where it was paused; {@link #pump} runs what is due. */
  void resume() {
    anchorNanos = wall.nanoTime();
    running = true;
  }

  /** From now on wall time moves the clock at {@code newSpeed}; {@link #pump} runs what is due. */
  void setSpeed(double newSpeed) {
    anchorDrill = reached();
    anchorNanos = wall.nanoTime();
    speed = newSpeed;
  }

  /** Stops for good: no more events, no timer, no replay. */
  void stop() {
    replayUntil = 0;
    replayDone = null;
    running = false;
    cancelTimer();
    queue.clear();
    inFlight.clear();
  }

  void schedule(double at, int rank, Runnable run) {
    queue.add(new Event(at, rank, seq++, run));
  }

  /** A task dispatched at drill time {@code at} is in flight: no event after {@code at} runs until its release. */
  void hold(String taskId, double at) {
    inFlight.put(taskId, at);
  }

  void release(String taskId) {
    inFlight.remove(taskId);
  }

  /** The drill time wall time has brought the clock to: events up to it are due. */
  double reached() {
    if (!running) {
      return anchorDrill;
    }
    return anchorDrill + (wall.nanoTime() - anchorNanos) / 1e9 * pace();
  }

  /**
   * Runs every event that is due and not held back by a task in flight, in order, then sets a timer for when the
   * next one is due (none while paused, stopped, empty or held back: a release or resume pumps again).
   */
  void pump() {
    cancelTimer();
    while (running && !queue.isEmpty()) {
      Event head = queue.peek();
      if (blocked(head) || head.at() > reached() + EPSILON) {
        break;
      }
      queue.poll();
      boolean wasReplaying = replaying();
      now = Math.max(now, head.at());
      if (wasReplaying && !replaying()) {
        endReplay();
        if (!running) {
          queue.add(head);
          break;
        }
      }
      head.run().run();
    }
    if (running && !queue.isEmpty() && !blocked(queue.peek())) {
      double delayMs = (queue.peek().at() - reached()) / pace() * 1000.0;
      timer = timers.set(Math.max(1, (long) Math.ceil(delayMs)), () -> {
        timer = -1;
        pump();
      });
    }
  }

  private void endReplay() {
    replayUntil = 0;
    anchorDrill = now;
    anchorNanos = wall.nanoTime();
    Runnable done = replayDone;
    replayDone = null;
    if (done != null) {
      done.run();
    }
  }

  private boolean blocked(Event head) {
    for (double at : inFlight.values()) {
      if (head.at() > at + EPSILON) {
        return true;
      }
    }
    return false;
  }

  private void cancelTimer() {
    if (timer >= 0) {
      timers.cancel(timer);
      timer = -1;
    }
  }
}
