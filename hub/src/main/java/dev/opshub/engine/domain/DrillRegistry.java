package dev.opshub.engine.domain;

import dev.opshub.contract.NodeLocalMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine's drills: those running or paused, by id, and the last state of the newest
 * {@link #MAX_FINISHED_DRILLS} finished ones (for queries and for refusing controls that no longer apply), and which
 * drill each start request key started.
 */
final class DrillRegistry {

  /** Finished drills kept for {@code drills} queries. */
  static final int MAX_FINISHED_DRILLS = 100;

  private final Map<String, DrillRunner> active = new LinkedHashMap<>();
  private final Map<String, JsonObject> finished = new LinkedHashMap<>();
  /** Request key → id of the finished drill it started (only for drills in {@link #finished}). */
  private final Map<String, String> finishedKeys = new LinkedHashMap<>();
  private final Consumer<String> forget;

  /** {@code forget} is told the id of each finished drill no longer kept. */
  DrillRegistry(Consumer<String> forget) {
    this.forget = forget;
  }

  void add(DrillRunner drill) {
    active.put(drill.id(), drill);
  }

  /** The running or paused drill {@code id}, or null. */
  DrillRunner active(String id) {
    return active.get(id);
  }

  Collection<DrillRunner> active() {
    return Collections.unmodifiableCollection(active.values());
  }

  int activeCount() {
    return active.size();
  }

  /** The id of the drill (running or finished) a start with request key {@code key} started, or null. */
  String startedBy(String key) {
    for (DrillRunner d : active.values()) {
      if (key.equals(d.spec().requestKey())) {
        return d.id();
      }
    }
    return finishedKeys.get(key);
  }

  /** The last state of the finished drill {@code id}, or null. */
  JsonObject finished(String id) {
    return finished.get(id);
  }

  /** {@code drill} ended in {@code state}: it is no longer active and is kept as finished. */
  void ended(DrillRunner drill, JsonObject state) {
    active.remove(drill.id());
    rememberFinished(state);
    String key = drill.spec().requestKey();
    if (key != null && finished.containsKey(drill.id())) {
      finishedKeys.put(key, drill.id());
    }
  }

  /** Keeps a finished drill's last state (newest last), forgetting the oldest beyond the bound. */
  void rememberFinished(JsonObject drill) {
    finished.remove(drill.getString("id"));
    finished.put(drill.getString("id"), drill);
    while (finished.size() > MAX_FINISHED_DRILLS) {
      String oldest = finished.keySet().iterator().next();
      finished.remove(oldest);
      finishedKeys.values().remove(oldest);
      forget.accept(oldest);
    }
  }

  /** The drill {@code id} as queries show it (an active one with its incident), or null. */
  JsonObject drillJson(String id) {
    DrillRunner d = active.get(id);
    if (d != null) {
      JsonObject j = d.toJson();
      if (d.incident() != null) {
        j.put("incident", d.incident().toJson());
      }
      return j;
    }
    JsonObject f = finished.get(id);
    return f == null ? null : f.copy();
  }

  /** Puts the numbers of running and paused drills in the node-local map, where the node's meters read them. */
  void keepCounts(LocalMap<String, String> node) {
    long paused = active.values().stream().filter(d -> d.state() == DrillState.PAUSED).count();
    node.put(NodeLocalMap.DRILLS_RUNNING, Long.toString(active.size() - paused));
    node.put(NodeLocalMap.DRILLS_PAUSED, Long.toString(paused));
  }

  /** Active drills first, then the finished ones, newest first. */
  JsonArray listJson() {
    JsonArray list = new JsonArray();
    active.keySet().forEach(id -> list.add(drillJson(id)));
    List<JsonObject> done = new ArrayList<>(finished.values());
    for (int i = done.size() - 1; i >= 0; i--) {
      list.add(done.get(i).copy());
    }
    return list;
  }
}
