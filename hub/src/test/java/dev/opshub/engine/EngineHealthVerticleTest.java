package dev.opshub.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opshub.contract.AgentId;
import dev.opshub.contract.AgentState;
import dev.opshub.contract.AgentStatus;
import org.junit.jupiter.api.Test;

class EngineHealthVerticleTest {

  private static AgentStatus status(AgentState state) {
    return new AgentStatus(AgentId.RESOLUTION, state, "n-1", 0.9, null, null, null, null, true, 0);
  }

  @Test
  void agentHealthNamesDegradedFailedAndMissing() {
    assertThat(EngineHealthVerticle.agentHealth(status(AgentState.IDLE), 1_000, 500).getString("status")).isEqualTo("ok");
    assertThat(EngineHealthVerticle.agentHealth(status(AgentState.DEGRADED), 1_000, 500).getString("status")).isEqualTo("degraded");
    assertThat(EngineHealthVerticle.agentHealth(status(AgentState.FAILED), 1_000, 500).getString("status")).isEqualTo("failed");
    var missing = EngineHealthVerticle.agentHealth(status(AgentState.IDLE), 1_000, EngineHealthVerticle.AGENT_MISSING_MS + 1);
    assertThat(missing.getString("status")).isEqualTo("missing");
    assertThat(missing.getBoolean("missing")).isTrue();
    assertThat(missing.getLong("heartbeatAgeMs")).isEqualTo(EngineHealthVerticle.AGENT_MISSING_MS + 1);
    assertThat(missing.getString("agent")).isEqualTo("resolution");
    assertThat(missing.getLong("lastSeen")).isEqualTo(1_000);
  }
}
