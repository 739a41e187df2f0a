package dev.opshub.engine.domain;

import dev.opshub.contract.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One drill's journal in the cluster map {@code MapNames.JOURNAL}: entry 0 is its spec, then every input in the
 * order the drill acted on it (and marks of how far it got), under {@code <drillId>/<n>}, each with the wall time
 * it was written. What the drill does is held back ({@link #release}) until every entry written before is stored,
 * so nothing a viewer or an agent saw can come from an input a standby engine would not find. A write that fails
 * is tried again; held actions wait meanwhile. Used on the engine's event loop only.
 */
final class DrillJournal {

  /** Entries read per round trip when a journal is read back. */
  static final int READ_BATCH = 32;
  /** Wait before a failed write is tried again. */
  static final long RETRY_MS = 500;

  private static final Logger LOG = LoggerFactory.getLogger(DrillJournal.class);

  private record Held(long needs, Runnable action) {
  }

  private final String drillId;
  private final AsyncMap<String, JsonObject> map;
  private final Clock wall;
  private final Timers timers;
  private final TreeSet<Long> storedAhead = new TreeSet<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long next;
  /** Every entry up to this one is stored. */
  private long durable;
  /** Position of the newest entry written. */
  private long lastPosition;
  private boolean closed;
  /** Sealed: nothing more is written or released; {@link #settled} completes once the writes in flight are done. */
  private boolean sealed;
  private Promise<Void> settled;

  /**
   * @param entries  entries already in the map (0 for a new drill)
   * @param position position of the newest of them (-1 for a new drill)
   */
  DrillJournal(String drillId, AsyncMap<String, JsonObject> map, Clock wall, Timers timers, long entries, long position) {
    this.drillId = drillId;
    this.map = map;
    this.wall = wall;
    this.timers = timers;
    this.next = entries;
    this.durable = entries - 1;
    this.lastPosition = position;
  }

  static String key(String drillId, long n) {
    return drillId + "/" + n;
  }

  /** Writes {@code entry} (the spec, an input) as the next entry, at {@code position} in the drill's events. */
  void write(JsonObject entry, long position) {
    if (sealed) {
      return;
    }
    long n = next++;
    lastPosition = Math.max(lastPosition, position);
    put(n, entry.copy().put("wall", wall.currentTimeMillis()));
  }

  /**
   * Runs {@code action} (an output of the drill at {@code position}) once the journal has an entry at that position
   * or later and everything written so far is stored: at once when it is, else in order with the others held.
   */
  void release(long position, Runnable action) {
    if (sealed) {
      return;
    }
    if (position > lastPosition) {
      write(new DrillInput.Reached(position).toJson(), position);
    }
    if (held.isEmpty() && durable >= next - 1) {
      action.run();
    } else {
      held.add(new Held(next - 1, action));
    }
  }

  /** Stops writing and holding (the engine steps down or the drill's journal is removed). */
  void close() {
    closed = true;
    held.clear();
  }

  /**
   * The engine stops gracefully: nothing more is written, nothing held goes out (as in a crash at this point), and
   * the future completes once every write in flight is stored or failed, so the engine taking over reads a journal
   * that nothing will add to behind its back.
   */
  Future<Void> seal() {
    sealed = true;
    held.clear();
    settled = Promise.promise();
    if (durable >= next - 1) {
      settled.complete();
    }
    return settled.future();
  }

  /** Removes every entry written (the drill ended and its report is kept). */
  Future<Void> remove() {
    close();
    List<Future<Void>> removed = new ArrayList<>();
    for (long n = 0; n < next; n++) {
      removed.add(map.remove(key(drillId, n)).mapEmpty());
    }
    return Future.join(removed).mapEmpty();
  }

  private void put(long n, JsonObject entry) {
    map.put(key(drillId, n), entry).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        stored(n);
      } else if (sealed) {
        // not tried again: the journal ends before this entry, as after a crash
        settled.tryComplete();
      } else {
        LOG.warn("journal entry {} of drill {} not stored ({}); trying again, the drill's outputs wait", n, drillId,
            ar.cause().toString());
        timers.set(RETRY_MS, () -> {
          if (!closed) {
            put(n, entry);
          }
        });
      }
    });
  }

  private void stored(long n) {
    storedAhead.add(n);
    while (!storedAhead.isEmpty() && storedAhead.first() == durable + 1) {
      durable = storedAhead.pollFirst();
    }
    while (!held.isEmpty() && held.peekFirst().needs() <= durable) {
      held.pollFirst().action().run();
    }
    if (sealed && durable >= next - 1) {
      settled.tryComplete();
    }
  }

  /** Reads a drill's journal back: the entries from 0 up to the first one missing. */
  static Future<List<JsonObject>> read(AsyncMap<String, JsonObject> map, String drillId) {
    Promise<List<JsonObject>> done = Promise.promise();
    readFrom(map, drillId, 0, new ArrayList<>(), done);
    return done.future();
  }

  private static void readFrom(AsyncMap<String, JsonObject> map, String drillId, long from, List<JsonObject> into,
                               Promise<List<JsonObject>> done) {
    List<Future<JsonObject>> batch = new ArrayList<>();
    for (long n = from; n < from + READ_BATCH; n++) {
      batch.add(map.get(key(drillId, n)));
    }
    Future.all(batch).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      for (Future<JsonObject> f : batch) {
        if (f.result() == null) {
          done.complete(into);
          return;
        }
        into.add(f.result());
      }
      readFrom(map, drillId, from + READ_BATCH, into, done);
    });
  }
}
