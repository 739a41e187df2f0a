package dev.opshub.engine.domain;

import dev.opshub.contract.ErrorCodes;
import dev.opshub.drills.Scenario;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Answers {@code internal.engine.query}, read-only: {@code drills}, {@code drill}, {@code scenarios},
 * {@code reports}, {@code report}, {@code summary}, {@code recorded} and {@code recorded_run}. An unknown op is
 * refused, an unknown id is {@code not_found}.
 */
final class EngineQueries {

  private final DrillRegistry drills;
  private final Map<String, Scenario> scenarios;
  private final ReportStore reports;
  private final BusinessMetrics metrics;
  private final RecordedRuns recorded;
  private final IntSupplier orphanIncidents;

  /** {@code orphanIncidents}: open incidents left by a previous engine whose drill did not resume. */
  EngineQueries(DrillRegistry drills, Map<String, Scenario> scenarios, ReportStore reports, BusinessMetrics metrics,
                RecordedRuns recorded, IntSupplier orphanIncidents) {
    this.drills = drills;
    this.scenarios = scenarios;
    this.reports = reports;
    this.metrics = metrics;
    this.recorded = recorded;
    this.orphanIncidents = orphanIncidents;
  }

  /** Replies with the answer, or fails the reply with the refusal's code ({@code not_found} for other failures). */
  void handle(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject body)) {
      Refusal.fail(msg, ErrorCodes.INVALID_JSON, "the body must be a JSON object");
      return;
    }
    try {
      query(body).onSuccess(msg::reply).onFailure(e -> {
        if (e instanceof Refusal r) {
          r.reply(msg);
        } else {
          Refusal.fail(msg, ErrorCodes.NOT_FOUND, String.valueOf(e.getMessage()));
        }
      });
    } catch (Refusal r) {
      r.reply(msg);
    }
  }

  Future<JsonObject> query(JsonObject body) {
    EngineRequest request = new EngineRequest(body);
    String op = request.text("op");
    switch (op) {
      case "drills":
        return Future.succeededFuture(new JsonObject().put("drills", drills.listJson())
            .put("active", drills.activeCount()).put("maxActive", DomainEngineVerticle.MAX_ACTIVE_DRILLS));
      case "drill": {
        JsonObject d = drills.drillJson(request.text("id"));
        return d == null ? Future.failedFuture(new Refusal(ErrorCodes.NOT_FOUND, "no drill " + body.getString("id")))
            : Future.succeededFuture(d);
      }
      case "scenarios": {
        JsonArray list = new JsonArray();
        scenarios.values().forEach(s -> list.add(s.summaryJson()));
        return Future.succeededFuture(new JsonObject().put("scenarios", list));
      }
      case "reports":
        return Future.succeededFuture(new JsonObject().put("reports", new JsonArray(reports.list(ReportStore.MAX_INDEXED))));
      case "report": {
        String id = request.text("id");
        if (!reports.has(id)) {
          return Future.failedFuture(new Refusal(ErrorCodes.NOT_FOUND, "no report for drill " + id));
        }
        return reports.read(id);
      }
      case "summary":
        return Future.succeededFuture(summary());
      case "recorded":
        return Future.succeededFuture(new JsonObject().put("runs", recorded.list()));
      case "recorded_run": {
        String id = request.text("id");
        JsonObject run = recorded.get(id);
        return run == null ? Future.failedFuture(new Refusal(ErrorCodes.NOT_FOUND, "no recorded run " + id))
            : Future.succeededFuture(run);
      }
      default:
        return Future.failedFuture(new Refusal(ErrorCodes.INVALID_REQUEST, "unknown op " + op));
    }
  }

  private JsonObject summary() {
    JsonObject m = metrics.toJson();
    JsonObject overall = m.getJsonObject("overall");
    JsonObject mttr = overall.getJsonObject("mttr");
    long openIncidents = drills.active().stream().filter(d -> d.incident() != null && d.incident().status().isOpen())
        .count() + orphanIncidents.getAsInt();
    return new JsonObject()
        .put("incidentsHandled", overall.getInteger("incidents"))
        .put("resolved", overall.getLong("resolved"))
        .put("mttrMinutes", mttr.getDouble("meanMinutes"))
        .put("mttr", mttr)
        .put("traditionalMttrMinutes", overall.getDouble("traditionalMttrMinutes"))
        .put("improvementPct", overall.getDouble("improvementPct"))
        .put("costAvoided", overall.getDouble("costAvoided"))
        .put("automationRate", overall.getDouble("automationRate"))
        .put("slaCompliance", overall.getJsonObject("sla").getDouble("compliance"))
        .put("sla", overall.getJsonObject("sla"))
        .put("perScenario", m.getJsonObject("perScenario"))
        .put("activeDrills", drills.activeCount())
        .put("openIncidents", openIncidents)
        .put("latestDrills", new JsonArray(reports.list(10)))
        .put("recordedRuns", recorded.list().size());
  }
}
