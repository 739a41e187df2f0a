package dev.opshub.agents;

import dev.opshub.contract.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * Deploys the five agent verticles on this node (the hub deploys it for role {@code agents}). Config:
 * {@code {"nodeId": "..."}}, passed on to every agent. With the agents role on several nodes, each agent decides
 * by itself, by {@link AgentPlacement}, whether its instance here is the active one; this verticle logs where the
 * active agents are whenever that changes.
 */
public class AgentsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentsVerticle.class);
  private static final List<Supplier<AgentVerticle>> AGENTS = List.of(DetectionAgent::new, DiagnosisAgent::new,
      PredictionAgent::new, ResolutionAgent::new, CommunicationAgent::new);

  private String nodeId;
  private String logged;

  @Override
  public Future<?> start() {
    nodeId = config().getString("nodeId", "local");
    JsonObject conf = new JsonObject().put("nodeId", nodeId);
    Future<?> agents = Future.all(AGENTS.stream()
        .map(s -> vertx.deployVerticle(s.get(), new DeploymentOptions().setConfig(conf.copy())))
        .toList());
    Future<?> members = vertx.eventBus().localConsumer(Addresses.LOCAL_MEMBERSHIP_CHANGED, m -> logPlacement())
        .completion();
    return Future.all(agents, members).onSuccess(v -> logPlacement());
  }

  private void logPlacement() {
    String where;
    try {
      where = AgentPlacement.activeHere(vertx, nodeId) ? nodeId : AgentPlacement.hostHere(vertx).orElse("");
    } catch (RuntimeException e) {
      return;
    }
    if (where.equals(logged)) {
      return;
    }
    logged = where;
    if (where.equals(nodeId)) {
      LOG.info("agents active on this node {}", nodeId);
    } else {
      LOG.info("agents standby on node {}, active on node {}", nodeId, where.isEmpty() ? "none" : where);
    }
  }
}
