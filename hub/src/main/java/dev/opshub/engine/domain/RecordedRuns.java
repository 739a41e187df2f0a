package dev.opshub.engine.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recorded drill runs behind {@code /transparency}: made by {@link RecordRuns} through the real engine,
 * shipped in the jar under {@code recorded/} ({@code index.json} lists them), cached in memory.
 */
final class RecordedRuns {

  static final String RESOURCE_DIR = "recorded/";
  static final int MAX_RUNS = 50;
  private static final Logger LOG = LoggerFactory.getLogger(RecordedRuns.class);

  private final Map<String, JsonObject> runs = new LinkedHashMap<>();

  /** Reads what the class path holds; a missing index means no recorded runs (logged). */
  static RecordedRuns loadBuiltIn() {
    RecordedRuns r = new RecordedRuns();
    String index = read(RESOURCE_DIR + "index.json");
    if (index == null) {
      LOG.warn("no recorded runs on the class path ({}index.json); /transparency will be empty", RESOURCE_DIR);
      return r;
    }
    for (Object o : new JsonArray(index)) {
      if (r.runs.size() >= MAX_RUNS) {
        break;
      }
      String id = String.valueOf(o);
      String text = read(RESOURCE_DIR + id + ".json");
      if (text == null) {
        LOG.warn("recorded run {} listed but missing", id);
        continue;
      }
      r.runs.put(id, new JsonObject(text));
    }
    return r;
  }

  private static String read(String path) {
    try (InputStream in = RecordedRuns.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", path, e.getMessage());
      return null;
    }
  }

  JsonArray list() {
    JsonArray a = new JsonArray();
    runs.forEach((id, run) -> {
      JsonObject o = run.getJsonObject("outcome", new JsonObject());
      a.add(new JsonObject().put("id", id).put("scenario", run.getString("scenario")).put("title", run.getString("title"))
          .put("seed", run.getLong("seed")).put("speed", run.getDouble("speed"))
          .put("resolved", o.getBoolean("resolved", false)).put("mttrMinutes", o.getValue("mttrMinutes"))
          .put("traditionalMttrMinutes", o.getValue("traditionalMttrMinutes")).put("slaMet", o.getBoolean("slaMet", false))
          .put("automated", o.getBoolean("automated", false)).put("rounds", o.getInteger("rounds", 0))
          .put("recordedAt", run.getString("recordedAt")));
    });
    return a;
  }

  JsonObject get(String id) {
    JsonObject r = runs.get(id);
    return r == null ? null : r.copy();
  }
}
