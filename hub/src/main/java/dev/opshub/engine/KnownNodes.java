package dev.opshub.engine;

import dev.opshub.contract.MapNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The active engine's record, in the cluster map {@link MapNames#KNOWN_NODES}, of what it has published on
 * {@code ops.health}, so that the next active engine can report the gone ones: key {@code node:<id>} with
 * {@code {"lastSeen":ms}} for every node published up, key {@code agent:<id>} with {@code {"node":id,"lastSeen":ms}}
 * for the node of each agent. {@link #sync} writes only what changed, and a {@code lastSeen} only when it moved by
 * {@link #REFRESH_MS} or more, so the map costs a few writes per node a minute. Failures of the map are logged
 * and otherwise ignored: the record helps a successor, it never stops this engine.
 */
final class KnownNodes {

  /** A stored {@code lastSeen} is refreshed when it lags by this much. */
  static final long REFRESH_MS = 10_000;
  static final String NODE_PREFIX = "node:";
  static final String AGENT_PREFIX = "agent:";
  static final String LAST_SEEN = "lastSeen";
  static final String NODE = "node";

  private static final Logger LOG = LoggerFactory.getLogger(KnownNodes.class);

  private final Future<AsyncMap<String, JsonObject>> map;
  /** What this engine believes the map holds. */
  private final Map<String, JsonObject> stored = new HashMap<>();
  private long failures;

  KnownNodes(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap(MapNames.KNOWN_NODES);
  }

  /** Everything the map holds now (empty when it cannot be read). */
  Future<Map<String, JsonObject>> load() {
    return map.compose(AsyncMap::entries)
        .map(entries -> {
          Map<String, JsonObject> copy = new HashMap<>();
          entries.forEach((key, value) -> {
            if (value != null) {
              copy.put(key, value);
              stored.putIfAbsent(key, value);
            }
          });
          return copy;
        })
        .recover(e -> {
          LOG.warn("known nodes unreadable ({}): nodes gone before this engine started are not reported", e.toString());
          return Future.succeededFuture(Map.of());
        });
  }

  /** Makes the map hold {@code desired}: puts what is new, changed or stale, removes what is no longer there. */
  void sync(Map<String, JsonObject> desired) {
    desired.forEach((key, value) -> {
      JsonObject before = stored.get(key);
      if (before == null || stale(before, value)) {
        stored.put(key, value);
        map.compose(m -> m.put(key, value)).onFailure(this::failed);
      }
    });
    for (String key : Map.copyOf(stored).keySet()) {
      if (!desired.containsKey(key)) {
        stored.remove(key);
        map.compose(m -> m.remove(key)).onFailure(this::failed);
      }
    }
  }

  private static boolean stale(JsonObject before, JsonObject now) {
    if (!Objects.equals(before.getString(NODE), now.getString(NODE))) {
      return true;
    }
    return now.getLong(LAST_SEEN, 0L) - before.getLong(LAST_SEEN, 0L) >= REFRESH_MS;
  }

  private void failed(Throwable e) {
    failures++;
    if (failures == 1 || failures % 100 == 0) {
      LOG.warn("known nodes not updated ({} failures so far): {}", failures, e.toString());
    }
  }
}
