package dev.opshub.engine.domain;

import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentReport;
import io.vertx.core.json.JsonObject;

/**
 * Something a drill acted on that it could not work out by itself: an agent's result, a task's wall-clock timeout,
 * an operator's control. With the drill's spec and seed these are all a drill's course depends on, so a drill
 * rebuilt from its inputs in order takes the same course. {@code at} is where in the drill's sequence of clock
 * events it came: the number of events that had run ({@link DrillClock#eventsRun()}). {@link Reached} is no input
 * but a mark that the drill got that far, written before what it did there was published.
 */
sealed interface DrillInput {

  long at();

  String type();

  /** The input's fields besides {@code type} and {@code at}. */
  JsonObject fields();

  default JsonObject toJson() {
    return fields().put("type", type()).put("at", at());
  }

  record Report(long at, AgentReport report) implements DrillInput {
    public String type() {
      return "report";
    }

    public JsonObject fields() {
      return new JsonObject().put("report", report.toJson());
    }
  }

  record Timeout(long at, String taskId) implements DrillInput {
    public String type() {
      return "timeout";
    }

    public JsonObject fields() {
      return new JsonObject().put("taskId", taskId);
    }
  }

  record Pause(long at) implements DrillInput {
    public String type() {
      return "pause";
    }

    public JsonObject fields() {
      return new JsonObject();
    }
  }

  record Resume(long at) implements DrillInput {
    public String type() {
      return "resume";
    }

    public JsonObject fields() {
      return new JsonObject();
    }
  }

  record Speed(long at, double speed) implements DrillInput {
    public String type() {
      return "speed";
    }

    public JsonObject fields() {
      return new JsonObject().put("speed", speed);
    }
  }

  record InjectFault(long at, AgentId agent, String fault) implements DrillInput {
    public String type() {
      return "inject_fault";
    }

    public JsonObject fields() {
      return new JsonObject().put("agent", agent.wireName()).put("fault", fault);
    }
  }

  record ResetAgents(long at) implements DrillInput {
    public String type() {
      return "reset_agents";
    }

    public JsonObject fields() {
      return new JsonObject();
    }
  }

  record Decision(long at, boolean approve) implements DrillInput {
    public String type() {
      return "decision";
    }

    public JsonObject fields() {
      return new JsonObject().put("approve", approve);
    }
  }

  record Stop(long at) implements DrillInput {
    public String type() {
      return "stop";
    }

    public JsonObject fields() {
      return new JsonObject();
    }
  }

  record Reached(long at) implements DrillInput {
    public String type() {
      return "reached";
    }

    public JsonObject fields() {
      return new JsonObject();
    }
  }

  /** The input a journal entry holds; throws {@link IllegalArgumentException} for one it does not know. */
  static DrillInput fromJson(JsonObject json) {
    long at = json.getLong("at", -1L);
    if (at < 0) {
      throw new IllegalArgumentException("journal entry without a position");
    }
    String type = json.getString("type");
    return switch (type == null ? "" : type) {
      case "report" -> new Report(at, AgentReport.fromJson(json.getJsonObject("report")));
      case "timeout" -> new Timeout(at, json.getString("taskId"));
      case "pause" -> new Pause(at);
      case "resume" -> new Resume(at);
      case "speed" -> new Speed(at, json.getDouble("speed"));
      case "inject_fault" -> new InjectFault(at, AgentId.fromWire(json.getString("agent")), json.getString("fault"));
      case "reset_agents" -> new ResetAgents(at);
      case "decision" -> new Decision(at, json.getBoolean("approve"));
      case "stop" -> new Stop(at);
      case "reached" -> new Reached(at);
      default -> throw new IllegalArgumentException("unknown journal entry type '" + type + "'");
    };
  }
}
