package dev.opshub.engine.domain;

import dev.opshub.contract.Clock;

/**
 * The wall clock a drill sees: the system's, except while the drill is rebuilt from its journal, when the wall time
 * is that of the journal entry being replayed, so the times it records (an incident's detection, a fallback's
 * report) are the ones the engine that ran it recorded.
 */
final class DrillWallClock implements Clock {

  private final Clock system;
  private long replayMillis = -1;

  DrillWallClock(Clock system) {
    this.system = system;
  }

  @Override
  public long nanoTime() {
    return system.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return replayMillis >= 0 ? replayMillis : system.currentTimeMillis();
  }

  void replayAt(long millis) {
    replayMillis = millis;
  }

  void live() {
    replayMillis = -1;
  }
}
