package dev.opshub.hub;

import dev.opshub.agents.AgentsVerticle;
import dev.opshub.engine.StreamPublisher;
import dev.opshub.engine.domain.DomainEngineVerticle;
import dev.opshub.web.WebVerticle;
import io.vertx.core.Deployable;

import java.util.function.Function;

/** The verticle of each role, made fresh for each deployment. */
final class RoleVerticles {

  private RoleVerticles() {
  }

  /** The agents role: deploys the five agent verticles (config {@code {"nodeId":..}}). */
  static Deployable agents() {
    return new AgentsVerticle();
  }

  /** The domain engine the active engine deploys with its publisher. */
  static Function<StreamPublisher, Deployable> domainEngine() {
    return DomainEngineVerticle::new;
  }

  /** The web role (config: the team contract's web config). */
  static WebVerticle web() {
    return new WebVerticle();
  }
}
