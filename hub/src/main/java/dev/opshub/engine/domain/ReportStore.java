package dev.opshub.engine.domain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After-action reports on disk: {@code <dataDir>/reports/<drillId>.json}, written when a drill ends, read back
 * at start (the newest {@link #MAX_INDEXED}) so reports and business metrics survive a restart. A report being
 * written is read once it is written. The listing is bounded; files are never deleted by the engine.
 */
final class ReportStore {

  static final int MAX_INDEXED = 500;
  /** Larger files in the folder are not reports this engine wrote: skipped unread. */
  static final long MAX_REPORT_BYTES = 4L * 1024 * 1024;
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Logger LOG = LoggerFactory.getLogger(ReportStore.class);

  private final Vertx vertx;
  private final Path dir;
  private final Map<String, JsonObject> index = new LinkedHashMap<>();
  private final Map<String, Future<Void>> writing = new HashMap<>();

  ReportStore(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  /** Creates the folder and reads the newest reports; returns them oldest first. */
  Future<List<JsonObject>> load() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
            .sorted(Comparator.comparingLong(ReportStore::modified))
            .toList();
      }
      List<JsonObject> out = new ArrayList<>();
      for (Path p : files.subList(Math.max(0, files.size() - MAX_INDEXED), files.size())) {
        try {
          if (Files.size(p) > MAX_REPORT_BYTES) {
            throw new IllegalArgumentException("larger than " + MAX_REPORT_BYTES + " bytes");
          }
          out.add(checked(new JsonObject(Files.readString(p))));
        } catch (IOException | RuntimeException e) {
          LOG.warn("skipping {}: not a report ({})", p, e.getMessage());
        }
      }
      return out;
    }).onSuccess(list -> list.forEach(this::indexReport));
  }

  /** The report, when it has what the index and the business metrics read; else an exception saying what not. */
  static JsonObject checked(JsonObject report) {
    for (String field : new String[] {"drillId", "scenario"}) {
      if (!(report.getValue(field) instanceof String v) || v.isBlank()) {
        throw new IllegalArgumentException("no " + field);
      }
    }
    if (!(report.getValue("outcome") instanceof JsonObject outcome) || !(outcome.getValue("resolved") instanceof Boolean)) {
      throw new IllegalArgumentException("no outcome with resolved");
    }
    for (String field : new String[] {"mttrMinutes", "traditionalMttrMinutes", "slaMinutes", "costPerMinute"}) {
      Object v = outcome.getValue(field);
      if (v != null && !(v instanceof Number)) {
        throw new IllegalArgumentException("outcome " + field + " is not a number");
      }
    }
    if (outcome.getValue("automated") != null && !(outcome.getValue("automated") instanceof Boolean)) {
      throw new IllegalArgumentException("outcome automated is not true or false");
    }
    if (!(report.getValue("endedTs") instanceof Number)) {
      throw new IllegalArgumentException("no endedTs");
    }
    return report;
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private void indexReport(JsonObject report) {
    String id = report.getString("drillId");
    if (id == null) {
      return;
    }
    index.remove(id);
    index.put(id, summary(report));
    while (index.size() > MAX_INDEXED) {
      index.remove(index.keySet().iterator().next());
    }
  }

  static JsonObject summary(JsonObject report) {
    JsonObject o = report.getJsonObject("outcome", new JsonObject());
    return new JsonObject()
        .put("drillId", report.getString("drillId"))
        .put("scenario", report.getString("scenario"))
        .put("title", report.getString("title"))
        .put("seed", report.getLong("seed"))
        .put("state", o.getString("state"))
        .put("resolved", o.getBoolean("resolved", false))
        .put("mttrMinutes", o.getValue("mttrMinutes"))
        .put("traditionalMttrMinutes", o.getValue("traditionalMttrMinutes"))
        .put("slaMet", o.getBoolean("slaMet", false))
        .put("costAvoided", o.getValue("costAvoided"))
        .put("automated", o.getBoolean("automated", false))
        .put("endedTs", report.getLong("endedTs", 0L));
  }

  /** Writes the report (temporary file, then move) and indexes it. */
  Future<Void> write(JsonObject report) {
    String id = report.getString("drillId");
    Path tmp = dir.resolve(id + ".json.tmp");
    Path target = dir.resolve(id + ".json");
    Future<Void> write = vertx.fileSystem().mkdirs(dir.toString())
        .compose(v -> vertx.fileSystem().writeFile(tmp.toString(), Buffer.buffer(report.encodePrettily())))
        .compose(v -> vertx.fileSystem().move(tmp.toString(), target.toString(),
            new CopyOptions().setReplaceExisting(true)))
        .onSuccess(v -> indexReport(report));
    writing.put(id, write);
    write.onComplete(ar -> writing.remove(id));
    return write;
  }

  /** The stored report (once written, if it is being written), or a failed future (unknown or malformed id). */
  Future<JsonObject> read(String id) {
    Future<Void> inFlight = writing.get(id);
    if (inFlight != null) {
      return inFlight.compose(v -> readFile(id));
    }
    return readFile(id);
  }

  private Future<JsonObject> readFile(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Future.failedFuture(new IllegalArgumentException("bad report id"));
    }
    return vertx.fileSystem().readFile(dir.resolve(id + ".json").toString()).map(b -> new JsonObject(b));
  }

  /** True when the report of {@code id} is stored or being written. */
  boolean has(String id) {
    return writing.containsKey(id) || index.containsKey(id);
  }

  /** Newest first, at most {@code limit}. */
  List<JsonObject> list(int limit) {
    List<JsonObject> all = new ArrayList<>(index.values());
    List<JsonObject> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(all.get(i));
    }
    return out;
  }

  Path dir() {
    return dir;
  }
}
