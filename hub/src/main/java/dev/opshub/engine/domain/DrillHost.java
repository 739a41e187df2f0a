package dev.opshub.engine.domain;

import dev.opshub.contract.AgentTask;
import io.vertx.core.json.JsonObject;

/** What a drill needs from the engine around it: the streams, the agents, the cluster maps, and its end. */
interface DrillHost {

  void publish(String address, String key, JsonObject body);

  void sendTask(AgentTask task);

  void agentControl(JsonObject control);

  void saveIncident(Incident incident);

  void saveDrill(DrillRunner drill);

  void ended(DrillRunner drill, JsonObject report);
}
