package dev.opshub.drills;

import dev.opshub.contract.Action;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in scenarios load and make sense; a bad file fails with a message naming the file and field. */
class ScenarioLoaderTest {

  @Test
  void theFiveBuiltInScenariosLoad() {
    Map<String, Scenario> all = ScenarioLoader.loadBuiltIn();
    assertThat(all.keySet()).containsExactly("database_cascade", "ddos_attack", "memory_leak", "api_overload",
        "storage_failure");
    Scenario db = all.get("database_cascade");
    assertThat(db.tier()).isEqualTo(1);
    assertThat(db.affectedUsers()).isEqualTo(50_000);
    assertThat(db.revenuePerMinute()).isEqualTo(2000);
    assertThat(db.slaMinutes()).isEqualTo(15);
    assertThat(db.traditionalMttrMinutes()).isEqualTo(45);
    for (Scenario s : all.values()) {
      assertThat(s.signals()).hasSizeGreaterThanOrEqualTo(4);
      assertThat(s.phases()).hasSizeGreaterThanOrEqualTo(3);
      assertThat(s.remediation().effective()).isNotEmpty().doesNotContain(Action.NO_ACTION, Action.SCALE_DOWN);
      assertThat(s.traditionalMttrMinutes()).isGreaterThan(s.slaMinutes());
      // the root-cause signal really breaches at some point, or no drill could detect it
      Scenario.SignalSpec root = s.signals().stream().filter(x -> x.metric().equals(s.rootCause().signal())).findFirst()
          .orElseThrow();
      assertThat(root.points().stream().anyMatch(p -> root.breaches(p[1]))).as(s.id()).isTrue();
    }
    assertThat(all.get("storage_failure").faults()).extracting(Scenario.FaultSpec::wire).containsExactly("slow");
  }

  private static JsonObject valid() {
    return new JsonObject(ScenarioLoader.loadBuiltIn().get("database_cascade").source().encode());
  }

  private static void rejects(Consumer<JsonObject> change, String... fragments) {
    JsonObject json = valid();
    change.accept(json);
    assertThatThrownBy(() -> ScenarioLoader.parse("drills/bad.json", json.encode()))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith("drills/bad.json: ")
        .hasMessageContainingAll(fragments);
  }

  @Test
  void badFilesFailWithAClearMessage() {
    assertThatThrownBy(() -> ScenarioLoader.parse("drills/x.json", "{not json"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("drills/x.json: not a JSON object");
    rejects(j -> j.remove("id"), "id must be a non-empty string");
    rejects(j -> j.put("id", "Bad Id"), "id must be lower-case");
    rejects(j -> j.put("severity", "apocalyptic"), "severity has an unknown value: apocalyptic");
    rejects(j -> j.put("tier", 4), "tier must be between 1.0 and 3.0");
    rejects(j -> j.put("slaMinutes", "soon"), "slaMinutes must be a number");
    rejects(j -> j.put("signals", new JsonArray()), "signals must be a non-empty array");
    rejects(j -> j.getJsonArray("signals").getJsonObject(1).put("points", new JsonArray("[[0,1],[10,2],[5,3]]")),
        "signals[1].points[2] times must be ascending");
    rejects(j -> j.getJsonArray("signals").getJsonObject(0).put("points", new JsonArray("[[0,99]]")),
        "signals[0].points[0] the signal must start on the healthy side");
    rejects(j -> j.getJsonArray("signals").getJsonObject(0).put("direction", "sideways"), "signals[0].direction");
    rejects(j -> j.getJsonObject("rootCause").put("signal", "nope"), "rootCause.signal names no signal");
    rejects(j -> j.getJsonObject("remediation").put("effective", new JsonArray().add("pray")),
        "remediation.effective[0] is not a known action: pray");
    rejects(j -> j.put("faults", new JsonArray().add(new JsonObject().put("agent", "diagnosis").put("fault", "tired"))),
        "faults[0].fault has an unknown value: tired");
    rejects(j -> j.getJsonArray("phases").getJsonObject(1).put("from", 7), "phases[1].from must equal the previous");
  }

  @Test
  void signalsAreSeededNoisyAndRecoverOnlyWithAnEffectiveAction() {
    Scenario db = ScenarioLoader.loadBuiltIn().get("database_cascade");
    SignalModel a = new SignalModel(db, 5);
    SignalModel b = new SignalModel(db, 5);
    SignalModel c = new SignalModel(db, 6);
    Scenario.SignalSpec pool = db.signals().get(0);
    assertThat(a.window(900, 200)).isEqualTo(b.window(900, 200));
    assertThat(a.value(pool, 3)).isNotEqualTo(c.value(pool, 3));
    assertThat(a.healthy(60, 2)).isTrue();
    assertThat(a.healthy(600, 2)).isFalse();
    assertThat(a.apply(Action.CLEAR_CACHE, 600).effective()).isFalse();
    assertThat(a.healthy(1200, 2)).isFalse();
    assertThat(a.apply(Action.SCALE_UP, 1200).effective()).isTrue();
    assertThat(a.healthy(1200 + db.remediation().recoverySeconds(), 2)).isTrue();
    JsonObject w = a.window(1500, 10);
    assertThat(w.getJsonArray("series").getJsonObject(0).getJsonArray("values")).hasSize(10);
    assertThat(w.getJsonArray("events").encode()).contains("remediation").contains("scale_up");
    assertThat(w.encode()).doesNotContain("rootCause").doesNotContain("effective");
  }
}
