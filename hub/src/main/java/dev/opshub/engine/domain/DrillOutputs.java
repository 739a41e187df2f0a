package dev.opshub.engine.domain;

import dev.opshub.contract.AgentTask;
import dev.opshub.contract.IncidentStatus;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one drill sends out, numbered and held back: each published message gets the stable id
 * {@code <drillId>:<n>} (n counts the drill's messages, so a rebuilt drill gives the same ids) and goes out only
 * once the {@link DrillJournal} has what led to it. While the drill is rebuilt from its journal, outputs are kept
 * instead ({@link #capturing}): what is republished afterwards is chosen from them ({@link #goLive}).
 */
final class DrillOutputs {

  /** A message the drill published while it was rebuilt, at {@code position} in its events. */
  record Captured(long position, String address, String key, JsonObject body, String id) {
  }

  private final String drillId;
  private final DrillHost host;
  private final DrillClock clock;
  private DrillJournal journal;
  private final List<Captured> captured = new ArrayList<>();
  private long messages;
  private boolean endedWhileCaptured;

  DrillOutputs(String drillId, DrillHost host, DrillClock clock, DrillJournal journal) {
    this.drillId = drillId;
    this.host = host;
    this.clock = clock;
    this.journal = journal;
  }

  /** True while the drill is rebuilt: outputs are kept, nothing goes out. */
  boolean capturing() {
    return journal == null;
  }

  DrillJournal journal() {
    return journal;
  }

  void publish(String address, String key, JsonObject body) {
    String id = drillId + ":" + (++messages);
    long at = clock.eventsRun();
    if (capturing()) {
      captured.add(new Captured(at, address, key, body.copy(), id));
    } else {
      journal.release(at, () -> host.publish(address, key, body, id));
    }
  }

  void sendTask(AgentTask task) {
    if (!capturing()) {
      journal.release(clock.eventsRun(), () -> host.sendTask(task));
    }
  }

  void agentControl(JsonObject control) {
    if (!capturing()) {
      journal.release(clock.eventsRun(), () -> host.agentControl(control));
    }
  }

  void saveIncident(Incident incident) {
    if (!capturing()) {
      JsonObject json = incident.toJson();
      boolean closed = incident.status() == IncidentStatus.CLOSED;
      journal.release(clock.eventsRun(), () -> host.saveIncident(incident.id(), json, closed));
    }
  }

  void saveDrill(DrillRunner drill) {
    if (!capturing()) {
      JsonObject json = drill.toJson();
      journal.release(clock.eventsRun(), () -> host.saveDrill(drill.id(), json));
    }
  }

  void ended(DrillRunner drill, JsonObject report) {
    if (capturing()) {
      endedWhileCaptured = true;
    } else {
      journal.release(clock.eventsRun(), () -> host.ended(drill, report));
    }
  }

  /** Runs {@code action} (an answer to an operator) once what the drill did so far is in the journal. */
  void afterJournal(Runnable action) {
    if (capturing()) {
      action.run();
    } else {
      journal.release(clock.eventsRun(), action);
    }
  }

  /**
   * Ends the rebuild: from now on outputs go out through {@code live}. The messages the drill may have published
   * just before the engine that ran it stopped are published again, with their ids: those at or after
   * {@code tailFrom}, and the newest per key of the state streams. A node or client that has one drops the copy.
   *
   * @return true when the drill had ended before the engine stopped (its end is to be handled now)
   */
  boolean goLive(DrillJournal live, long tailFrom) {
    journal = live;
    Map<String, Captured> newestPerKey = new LinkedHashMap<>();
    for (Captured c : captured) {
      if (c.key() != null) {
        newestPerKey.remove(c.address() + '\u0000' + c.key());
        newestPerKey.put(c.address() + '\u0000' + c.key(), c);
      }
    }
    for (Captured c : captured) {
      boolean newest = c.key() != null && newestPerKey.get(c.address() + '\u0000' + c.key()) == c;
      if (c.position() >= tailFrom || newest) {
        host.publish(c.address(), c.key(), c.body().copy(), c.id());
      }
    }
    captured.clear();
    return endedWhileCaptured;
  }
}
