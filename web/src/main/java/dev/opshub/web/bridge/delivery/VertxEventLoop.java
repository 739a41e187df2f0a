package dev.opshub.web.bridge.delivery;

import dev.opshub.contract.Clock;
import io.vertx.core.Context;

import java.util.concurrent.TimeUnit;

/** An {@link EventLoop} on a Vert.x event-loop context, with the system clock. */
public final class VertxEventLoop implements EventLoop {

  private final Context context;

  public VertxEventLoop(Context context) {
    this.context = context;
  }

  @Override
  public Clock clock() {
    return Clock.SYSTEM;
  }

  @Override
  public void post(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  @Override
  public Timer schedule(long delayNanos, Runnable task) {
    // on this loop: the timer's completion runs on the current context, which is this loop's
    io.vertx.core.Timer timer = context.owner().timer(Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
    timer.onSuccess(v -> task.run());
    return timer::cancel;
  }
}
