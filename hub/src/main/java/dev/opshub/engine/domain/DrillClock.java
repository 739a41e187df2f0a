package dev.opshub.engine.domain;

import dev.opshub.contract.Clock;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A drill's clock: a queue of events at drill times (seconds), run in order of time, then rank
 * ({@link #RANK_SAMPLE}, {@link #RANK_CONTROL}, {@link #RANK_AGENT} + agent), then scheduling order. Wall time
 * paces it at {@code speed} drill seconds per wall second, and it never runs an event later than a task still in
 * flight, so a drill's events come in the same order however fast the machine and the agents are; it counts the
 * events it ran ({@link #eventsRun()}), the positions the drill's journal refers to. While a drill is rebuilt
 * from its journal the clock is virtual: no wall time, it runs events up to a given count ({@link #runTo}). Not
 * thread-safe: one event loop drives it.
 */
final class DrillClock {

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
  private long eventsRun;
  /** While virtual (rebuilding): how many events may run; -1 when live. */
  private long virtualLimit = -1;

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

  /** Drill seconds per wall second. */
  double pace() {
    return speed;
  }

  /** Events run so far: the position in the drill's course that the journal records. */
  long eventsRun() {
    return eventsRun;
  }

  /** True while virtual: the drill is being rebuilt. */
  boolean virtual() {
    return virtualLimit >= 0;
  }

  /** Makes the clock virtual (before {@link #start}): events run only through {@link #runTo}, not by wall time. */
  void beVirtual() {
    virtualLimit = 0;
  }

  /** Virtual clock: runs the events due until {@code events} have run (fewer when they are held back or none is left). */
  void runTo(long events) {
    virtualLimit = Math.max(virtualLimit, events);
    pump();
  }

  /** Ends the virtual time: from the drill time reached, wall time paces the clock again. */
  void goLive() {
    virtualLimit = -1;
    anchorDrill = now;
    anchorNanos = wall.nanoTime();
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

  /** Stops for good: no more events, no timer. */
  void stop() {
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
    if (!running || virtual()) {
      return virtual() ? now : anchorDrill;
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
      if (blocked(head) || (virtual() ? eventsRun >= virtualLimit : head.at() > reached() + EPSILON)) {
        break;
      }
      queue.poll();
      now = Math.max(now, head.at());
      eventsRun++;
      head.run().run();
    }
    if (running && !virtual() && !queue.isEmpty() && !blocked(queue.peek())) {
      double delayMs = (queue.peek().at() - reached()) / pace() * 1000.0;
      timer = timers.set(Math.max(1, (long) Math.ceil(delayMs)), () -> {
        timer = -1;
        pump();
      });
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
