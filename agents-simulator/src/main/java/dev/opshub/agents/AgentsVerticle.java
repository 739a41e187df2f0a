package dev.opshub.agents;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Supplier;

/**
 * Deploys the five agent verticles on this node (the hub deploys it for role {@code agents}). Config:
 * {@code {"nodeId": "..."}}, passed on to every agent. Agents on several nodes answer the same tasks
 * identically; the engine keeps the first answer per task.
 */
public class AgentsVerticle extends VerticleBase {

  private static final List<Supplier<AgentVerticle>> AGENTS = List.of(DetectionAgent::new, DiagnosisAgent::new,
      PredictionAgent::new, ResolutionAgent::new, CommunicationAgent::new);

  @Override
  public Future<?> start() {
    JsonObject conf = new JsonObject().put("nodeId", config().getString("nodeId", "local"));
    return Future.all(AGENTS.stream()
        .map(s -> vertx.deployVerticle(s.get(), new DeploymentOptions().setConfig(conf.copy())))
        .toList());
  }
}
