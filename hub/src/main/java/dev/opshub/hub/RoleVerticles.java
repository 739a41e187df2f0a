package dev.opshub.hub;

import dev.opshub.engine.StreamPublisher;
import dev.opshub.web.WebVerticle;
import io.vertx.core.Deployable;

import java.util.function.Function;

/** The verticle of each role, made fresh for each deployment. */
final class RoleVerticles {

  private RoleVerticles() {
  }

  /** The agents role: the five agent verticles. */
  static Deployable agents() {
    throw new IllegalStateException("the agents role is not in this build yet");
  }

  /** The domain engine the active engine deploys with its publisher, or null when not in this build. */
  static Function<StreamPublisher, Deployable> domainEngine() {
    return null;
  }

  /** The web role. */
  static Deployable web() {
    return new WebVerticle();
  }
}
