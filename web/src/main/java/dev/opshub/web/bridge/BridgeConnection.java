package dev.opshub.web.bridge;

import dev.opshub.contract.Clock;
import dev.opshub.contract.CloseReason;
import dev.opshub.web.bridge.delivery.ConnectionOutbox;
import dev.opshub.web.bridge.delivery.FlushScheduler;
import dev.opshub.web.bridge.protocol.ClientSession;
import dev.opshub.web.bridge.transport.ClientTransport;
import dev.opshub.web.bridge.transport.Liveness;
import dev.opshub.web.bridge.transport.SockJsFrames;
import dev.opshub.web.bridge.transport.TransportListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One bridge connection, the four layers put together: its {@link ClientSession} (what the client sends), its
 * subscriptions, its {@link ConnectionOutbox} (what it is yet to receive) and its {@link ClientTransport} (the
 * socket), plus its liveness and its close. Everything here runs on the connection's event loop.
 */
final class BridgeConnection implements TransportListener, ConnectionOutbox.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  private final FanoutBridge bridge;
  private final ClientTransport transport;
  private final Context context;
  private final FlushScheduler scheduler;
  private final Clock clock;
  private final ConnectionOutbox outbox;
  private final ClientSession session;
  private final Liveness liveness;
  private long tickTimer = -1;
  private boolean closed;

  BridgeConnection(FanoutBridge bridge, ClientTransport transport, Context context, FlushScheduler scheduler) {
    this.bridge = bridge;
    this.transport = transport;
    this.context = context;
    this.scheduler = scheduler;
    this.clock = scheduler.loop().clock();
    BridgeOptions options = bridge.options();
    this.outbox = new ConnectionOutbox(transport, scheduler, bridge.deliverySettings(), bridge.metrics(),
        ThreadLocalRandom.current().nextInt(options.getFlushGroups()), this);
    this.session = new ClientSession(bridge.protocolSettings(), bridge.table(), outbox, context.owner().eventBus(),
        bridge.metrics(), clock, this::close);
    this.liveness = new Liveness(options.getPingTimeout(), options.getHeartbeatInterval(), clock.nanoTime());
  }

  Context context() {
    return context;
  }

  FlushScheduler scheduler() {
    return scheduler;
  }

  boolean writesDirectly() {
    return transport.writesDirectly();
  }

  void start() {
    transport.start(this, clock.nanoTime());
    BridgeOptions options = bridge.options();
    tickTimer = context.owner().setPeriodic(Liveness.tickMillis(options.getPingTimeout(), options.getHeartbeatInterval()),
        t -> onTick());
  }

  @Override
  public void onText(String text) {
    liveness.inbound(clock.nanoTime());
    session.onText(text);
  }

  @Override
  public void onInvalidFrame(String why) {
    liveness.inbound(clock.nanoTime());
    session.onInvalidFrame(why);
  }

  @Override
  public void onActivity() {
    liveness.inbound(clock.nanoTime());
  }

  @Override
  public void onWritable() {
    outbox.flush();
  }

  @Override
  public void onServerShutdown() {
    // the HTTP server is shutting down gracefully: tell the client so it reconnects elsewhere
    close(CloseReason.SERVER_SHUTDOWN);
  }

  @Override
  public void onClosed() {
    cleanup();
  }

  @Override
  public void slowConsumer() {
    LOG.debug("bridge connection closed as a slow consumer ({} queued)", outbox.queued());
    close(CloseReason.SLOW_CONSUMER);
  }

  private void onTick() {
    if (closed) {
      return;
    }
    long now = clock.nanoTime();
    switch (liveness.check(now, transport.lastWriteNanos(), transport.writable())) {
      case TIMED_OUT -> close(CloseReason.PING_TIMEOUT);
      case HEARTBEAT -> transport.writeText(SockJsFrames.HEARTBEAT, now);
      case ALIVE -> { }
    }
  }

  Future<Void> close(CloseReason reason) {
    return close(reason.code(), reason.reason());
  }

  /** Sends the SockJS close frame, closes the socket and frees everything at once. */
  Future<Void> close(int code, String reason) {
    if (closed) {
      return Future.succeededFuture();
    }
    bridge.metrics().closes(reason).increment();
    Future<Void> told = transport.close(SockJsFrames.close(code, reason), reason);
    cleanup();
    return told;
  }

  private void cleanup() {
    if (closed) {
      return;
    }
    closed = true;
    if (tickTimer != -1) {
      context.owner().cancelTimer(tickTimer);
    }
    outbox.close();
    session.close();
    bridge.connectionClosed(this);
  }
}
