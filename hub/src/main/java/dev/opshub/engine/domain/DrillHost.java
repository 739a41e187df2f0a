package dev.opshub.engine.domain;

import dev.opshub.contract.AgentTask;
import io.vertx.core.json.JsonObject;

/**
 * What a drill's outputs reach in the engine around it: the streams, the agents, the cluster maps, and its end.
 * A drill reaches them only through its {@link DrillOutputs}, which holds each one back until the journal has
 * what led to it.
 */
interface DrillHost {

  /** Publishes on an {@code ops.*} stream with the message's stable id. */
  void publish(String address, String key, JsonObject body, String id);

  void sendTask(AgentTask task);

  void agentControl(JsonObject control);

  void saveIncident(String id, JsonObject incident, boolean closed);

  void saveDrill(String id, JsonObject drill);

  void ended(DrillRunner drill, JsonObject report);
}
