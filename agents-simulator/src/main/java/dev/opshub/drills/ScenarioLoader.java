package dev.opshub.drills;

import dev.opshub.contract.Action;
import dev.opshub.contract.AgentFault;
import dev.opshub.contract.AgentId;
import dev.opshub.contract.Severity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates scenario files. The built-in ones are listed in {@code drills/index.json} on the class
 * path. A bad file fails with a {@link ScenarioException} naming the file and the field.
 */
public final class ScenarioLoader {

  /** Class-path folder of the built-in scenarios. */
  public static final String RESOURCE_DIR = "drills/";
  private static final String INDEX = RESOURCE_DIR + "index.json";

  private ScenarioLoader() {
  }

  /** Loads every built-in scenario, in index order. */
  public static Map<String, Scenario> loadBuiltIn() {
    JsonArray index = new JsonArray(readResource(INDEX));
    Map<String, Scenario> out = new LinkedHashMap<>();
    for (Object o : index) {
      String id = String.valueOf(o);
      String file = RESOURCE_DIR + id + ".json";
      Scenario s = parse(file, readResource(file));
      if (!s.id().equals(id)) {
        throw new ScenarioException(file + ": id '" + s.id() + "' does not match the file name");
      }
      out.put(id, s);
    }
    return Collections.unmodifiableMap(out);
  }

  private static String readResource(String path) {
    try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new ScenarioException(path + ": not found on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ScenarioException(path + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Parses and validates one scenario; {@code file} only names it in error messages. */
  public static Scenario parse(String file, String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ScenarioException(file + ": not a JSON object: " + e.getMessage(), e);
    }
    Reader r = new Reader(file);
    String id = r.str(json, "id");
    if (!id.matches("[a-z0-9_]{1,64}")) {
      throw r.bad("id", "must be lower-case letters, digits and _");
    }
    Severity severity = r.enumOf(json, "severity", Severity::fromWire);
    int tier = (int) r.num(json, "tier", 1, 3);
    long users = (long) r.num(json, "affectedUsers", 0, 1e9);
    double revenue = r.num(json, "revenuePerMinute", 0, 1e9);
    double sla = r.num(json, "slaMinutes", 0.1, 1e5);
    double traditional = r.num(json, "traditionalMttrMinutes", 0.1, 1e5);
    double duration = r.num(json, "durationSeconds", 60, 86_400);
    double sample = r.num(json, "sampleSeconds", 1, 600);
    if (duration / sample > 2000) {
      throw r.bad("sampleSeconds", "gives more than 2000 samples over durationSeconds");
    }
    List<String> services = r.strings(json, "affectedServices");

    List<Scenario.Phase> phases = new ArrayList<>();
    JsonArray ph = r.array(json, "phases");
    for (int i = 0; i < ph.size(); i++) {
      JsonObject p = r.obj(ph, i, "phases");
      String at = "phases[" + i + "]";
      double from = r.num(p, "from", 0, duration, at);
      double to = r.num(p, "to", from, duration, at);
      if (i == 0 && from != 0) {
        throw r.bad(at + ".from", "the first phase must start at 0");
      }
      if (i > 0 && from != phases.get(i - 1).to()) {
        throw r.bad(at + ".from", "must equal the previous phase's 'to'");
      }
      phases.add(new Scenario.Phase(r.str(p, "name", at), from, to, p.getString("description", "")));
    }

    List<Scenario.SignalSpec> signals = new ArrayList<>();
    JsonArray sg = r.array(json, "signals");
    for (int i = 0; i < sg.size(); i++) {
      JsonObject s = r.obj(sg, i, "signals");
      String at = "signals[" + i + "]";
      String direction = s.getString("direction", "up");
      if (!direction.equals("up") && !direction.equals("down")) {
        throw r.bad(at + ".direction", "must be 'up' or 'down'");
      }
      JsonArray pts = s.getJsonArray("points");
      if (pts == null || pts.isEmpty()) {
        throw r.bad(at + ".points", "must be a non-empty array of [seconds, value]");
      }
      List<double[]> points = new ArrayList<>();
      for (int k = 0; k < pts.size(); k++) {
        Object o = pts.getValue(k);
        if (!(o instanceof JsonArray pair) || pair.size() != 2 || !(pair.getValue(0) instanceof Number)
            || !(pair.getValue(1) instanceof Number)) {
          throw r.bad(at + ".points[" + k + "]", "must be [seconds, value]");
        }
        double t = pair.getDouble(0);
        if (k == 0 && t != 0) {
          throw r.bad(at + ".points[0]", "must start at 0 seconds");
        }
        if (k > 0 && t <= points.get(k - 1)[0]) {
          throw r.bad(at + ".points[" + k + "]", "times must be ascending");
        }
        points.add(new double[] {t, pair.getDouble(1)});
      }
      Scenario.SignalSpec spec = new Scenario.SignalSpec(r.str(s, "metric", at), r.str(s, "service", at),
          s.getString("unit", ""), r.str(s, "kind", at), r.num(s, "threshold", -1e12, 1e12, at), direction,
          r.num(s, "noise", 0, 1e9, at), List.copyOf(points));
      if (spec.breaches(points.get(0)[1])) {
        throw r.bad(at + ".points[0]", "the signal must start on the healthy side of its threshold");
      }
      signals.add(spec);
    }

    List<Scenario.SignalEvent> events = new ArrayList<>();
    JsonArray ev = json.getJsonArray("events", new JsonArray());
    for (int i = 0; i < ev.size(); i++) {
      JsonObject e = r.obj(ev, i, "events");
      String at = "events[" + i + "]";
      events.add(new Scenario.SignalEvent(r.num(e, "t", 0, duration, at), r.str(e, "type", at),
          r.str(e, "service", at), e.getString("detail", "")));
    }

    List<Scenario.FaultSpec> faults = new ArrayList<>();
    JsonArray fs = json.getJsonArray("faults", new JsonArray());
    for (int i = 0; i < fs.size(); i++) {
      JsonObject f = r.obj(fs, i, "faults");
      String at = "faults[" + i + "]";
      AgentId agent = r.enumOf(f, "agent", AgentId::fromWire, at);
      AgentFault fault = r.enumOf(f, "fault", AgentFault::fromWire, at);
      faults.add(new Scenario.FaultSpec(agent, fault.wireName(), f.getString("mode")));
    }

    JsonObject rc = r.sub(json, "rootCause");
    Scenario.RootCause rootCause = new Scenario.RootCause(r.str(rc, "cause", "rootCause"),
        r.str(rc, "service", "rootCause"), r.str(rc, "signal", "rootCause"), rc.getString("description", ""));
    if (signals.stream().noneMatch(s -> s.metric().equals(rootCause.signal()))) {
      throw r.bad("rootCause.signal", "names no signal of this scenario");
    }
    JsonObject rm = r.sub(json, "remediation");
    List<Action> effective = r.actions(rm, "effective", "remediation");
    Scenario.Remediation remediation = new Scenario.Remediation(effective,
        r.num(rm, "recoverySeconds", 1, duration, "remediation"));
    JsonObject sc = r.sub(json, "success");
    Scenario.Success success = new Scenario.Success(sc.getString("expectedRootCause", rootCause.cause()),
        sc.containsKey("acceptableActions") ? r.actions(sc, "acceptableActions", "success") : effective,
        sc.containsKey("maxMttrMinutes") ? r.num(sc, "maxMttrMinutes", 0.1, 1e5, "success") : sla,
        sc.getString("description", ""));

    return new Scenario(id, r.str(json, "title"), json.getString("description", ""), severity, tier, users, revenue,
        sla, traditional, services, duration, sample, List.copyOf(phases), List.copyOf(signals), List.copyOf(events),
        List.copyOf(faults), rootCause, remediation, success, json);
  }

  /** Field reading with error messages that name the file and the field. */
  private record Reader(String file) {

    ScenarioException bad(String field, String why) {
      return new ScenarioException(file + ": " + field + " " + why);
    }

    private static String path(String at, String key) {
      return at == null ? key : at + "." + key;
    }

    String str(JsonObject o, String key) {
      return str(o, key, null);
    }

    String str(JsonObject o, String key, String at) {
      Object v = o.getValue(key);
      if (!(v instanceof String s) || s.isBlank()) {
        throw bad(path(at, key), "must be a non-empty string");
      }
      return s;
    }

    double num(JsonObject o, String key, double min, double max) {
      return num(o, key, min, max, null);
    }

    double num(JsonObject o, String key, double min, double max, String at) {
      Object v = o.getValue(key);
      if (!(v instanceof Number n)) {
        throw bad(path(at, key), "must be a number");
      }
      double d = n.doubleValue();
      if (Double.isNaN(d) || d < min || d > max) {
        throw bad(path(at, key), "must be between " + min + " and " + max + " (was " + d + ")");
      }
      return d;
    }

    JsonArray array(JsonObject o, String key) {
      Object v = o.getValue(key);
      if (!(v instanceof JsonArray a) || a.isEmpty()) {
        throw bad(key, "must be a non-empty array");
      }
      return a;
    }

    JsonObject sub(JsonObject o, String key) {
      Object v = o.getValue(key);
      if (!(v instanceof JsonObject j)) {
        throw bad(key, "must be an object");
      }
      return j;
    }

    JsonObject obj(JsonArray a, int i, String name) {
      Object v = a.getValue(i);
      if (!(v instanceof JsonObject j)) {
        throw bad(name + "[" + i + "]", "must be an object");
      }
      return j;
    }

    List<String> strings(JsonObject o, String key) {
      JsonArray a = array(o, key);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof String s) || s.isBlank()) {
          throw bad(key + "[" + i + "]", "must be a non-empty string");
        }
        out.add(s);
      }
      return List.copyOf(out);
    }

    List<Action> actions(JsonObject o, String key, String at) {
      Object v = o.getValue(key);
      if (!(v instanceof JsonArray a) || a.isEmpty()) {
        throw bad(path(at, key), "must be a non-empty array of actions");
      }
      List<Action> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        String s = String.valueOf(a.getValue(i));
        try {
          out.add(Action.fromWire(s));
        } catch (IllegalArgumentException e) {
          throw bad(path(at, key) + "[" + i + "]", "is not a known action: " + s);
        }
      }
      return List.copyOf(out);
    }

    <E> E enumOf(JsonObject o, String key, java.util.function.Function<String, E> parse) {
      return enumOf(o, key, parse, null);
    }

    <E> E enumOf(JsonObject o, String key, java.util.function.Function<String, E> parse, String at) {
      String s = str(o, key, at);
      try {
        return parse.apply(s);
      } catch (IllegalArgumentException e) {
        throw bad(path(at, key), "has an unknown value: " + s);
      }
    }
  }
}
