package dev.opshub.engine.domain;

import dev.opshub.drills.Scenario;
import dev.opshub.drills.ScenarioLoader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The formulas of DOMAIN.md on known inputs. */
class BusinessMetricsTest {

  private static BusinessMetrics.Outcome resolved(String scenario, double mttr, double traditional, double sla,
                                                  double cpm, boolean automated) {
    return new BusinessMetrics.Outcome("d", scenario, true, mttr, traditional, sla, cpm, automated, 0);
  }

  @Test
  void costPerMinuteFollowsTheTierUsersAndRevenueFormula() {
    Map<String, Scenario> s = ScenarioLoader.loadBuiltIn();
    // tier 1: 1000 * (1 + min(50000/1000, 10)) + 2000
    assertThat(s.get("database_cascade").costPerMinute()).isEqualTo(13_000.0);
    // tier 2, 10,000 users: 500 * (1 + 10) + 300
    assertThat(s.get("memory_leak").costPerMinute()).isEqualTo(5_800.0);
  }

  @Test
  void mttrHasA95PercentIntervalFromTheSampleSd() {
    BusinessMetrics.Mttr m = BusinessMetrics.mttr(List.of(
        resolved("a", 10, 45, 15, 100, true), resolved("a", 20, 45, 15, 100, true), resolved("a", 30, 45, 15, 100, true),
        new BusinessMetrics.Outcome("f", "a", false, Double.NaN, 45, 15, 100, false, 0)));
    assertThat(m.n()).isEqualTo(3);
    assertThat(m.mean()).isEqualTo(20.0);
    assertThat(m.sd()).isCloseTo(10.0, within(1e-9));
    assertThat(m.halfWidth()).isCloseTo(1.96 * 10 / Math.sqrt(3), within(1e-9));
    assertThat(m.low()).isCloseTo(20 - 11.3161, within(1e-3));
    assertThat(BusinessMetrics.mttr(List.of(resolved("a", 7, 45, 15, 1, true))).halfWidth()).isZero();
  }

  @Test
  void costAvoidedAutomationAndSlaOverAllAndPerScenario() {
    BusinessMetrics bm = new BusinessMetrics();
    assertThat(bm.toJson().getJsonObject("overall").getInteger("incidents")).isZero();
    assertThat(bm.toJson().getJsonObject("overall").getDouble("costAvoided")).isZero();
    bm.add(resolved("db", 10, 45, 15, 13_000, true));   // avoided 35 * 13000 = 455,000, SLA met
    bm.add(resolved("db", 20, 45, 15, 13_000, false));  // avoided 25 * 13000 = 325,000, breached
    bm.add(resolved("mem", 12, 60, 30, 5_800, true));   // avoided 48 * 5800 = 278,400, met
    bm.add(new BusinessMetrics.Outcome("x", "mem", false, Double.NaN, 60, 30, 5_800, false, 0));
    JsonObject all = bm.toJson().getJsonObject("overall");
    assertThat(all.getInteger("incidents")).isEqualTo(4);
    assertThat(all.getLong("resolved")).isEqualTo(3);
    assertThat(all.getDouble("costAvoided")).isEqualTo(1_058_400.0);
    assertThat(all.getDouble("automationRate")).isEqualTo(0.6667);
    assertThat(all.getJsonObject("sla").getLong("met")).isEqualTo(2);
    assertThat(all.getJsonObject("sla").getLong("breached")).isEqualTo(2);
    assertThat(all.getJsonObject("mttr").getDouble("meanMinutes")).isEqualTo(14.0);
    assertThat(all.getDouble("traditionalMttrMinutes")).isEqualTo(50.0);
    assertThat(all.getDouble("improvementPct")).isEqualTo(72.0);
    JsonObject db = bm.toJson().getJsonObject("perScenario").getJsonObject("db");
    assertThat(db.getDouble("costAvoided")).isEqualTo(780_000.0);
    assertThat(db.getDouble("automationRate")).isEqualTo(0.5);
    assertThat(db.getJsonObject("sla").getDouble("compliance")).isEqualTo(0.5);
    assertThat(bm.toJson().getJsonArray("trend")).hasSize(4);
  }

  @Test
  void theOutcomeWindowIsBounded() {
    BusinessMetrics bm = new BusinessMetrics();
    for (int i = 0; i < BusinessMetrics.MAX_OUTCOMES + 50; i++) {
      bm.add(resolved("a", 5, 10, 15, 1, true));
    }
    assertThat(bm.size()).isEqualTo(BusinessMetrics.MAX_OUTCOMES);
    assertThat(bm.toJson().getJsonArray("trend")).hasSize(BusinessMetrics.TREND_SIZE);
  }
}
