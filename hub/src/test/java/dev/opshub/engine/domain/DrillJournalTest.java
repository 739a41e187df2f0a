package dev.opshub.engine.domain;

import dev.opshub.contract.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the journal holds back, and what a graceful stop leaves in it. */
class DrillJournalTest {

  private final ManualClock wall = new ManualClock();
  private final MemoryAsyncMap<String, JsonObject> map = new MemoryAsyncMap<>();
  private final DrillJournal journal = new DrillJournal("d1", map, wall, new ManualTimers(wall), 0, -1);
  private final List<String> released = new ArrayList<>();

  private static JsonObject entry(String name) {
    return new JsonObject().put("type", name);
  }

  @Test
  void anOutputWaitsUntilEveryEntryBeforeItIsStored() {
    map.holdWrites = true;
    journal.write(entry("spec"), -1);
    journal.release(0, () -> released.add("first"));
    assertThat(released).isEmpty();
    map.completeWrites();
    assertThat(released).containsExactly("first");
    assertThat(map.contents()).containsOnlyKeys("d1/0", "d1/1");
  }

  @Test
  void aSealedJournalTakesNothingMoreAndSettlesOnceTheWritesInFlightAreStored() {
    map.holdWrites = true;
    journal.write(entry("spec"), -1);
    journal.write(entry("report"), 3);
    journal.release(3, () -> released.add("held"));
    Future<Void> settled = journal.seal();
    journal.write(entry("late"), 4);
    journal.release(4, () -> released.add("after the seal"));
    assertThat(settled.isComplete()).as("writes still in flight").isFalse();

    map.completeWrites();
    assertThat(settled.succeeded()).isTrue();
    assertThat(released).as("nothing held goes out after a seal").isEmpty();
    assertThat(map.contents()).containsOnlyKeys("d1/0", "d1/1");
  }

  @Test
  void aJournalWithNothingInFlightIsSettledAtOnce() {
    journal.write(entry("spec"), -1);
    assertThat(journal.seal().succeeded()).isTrue();
  }
}
