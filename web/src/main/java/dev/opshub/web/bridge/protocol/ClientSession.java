package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.Addresses;
import dev.opshub.contract.BridgeProtocol;
import dev.opshub.contract.Clock;
import dev.opshub.contract.CloseReason;
import dev.opshub.contract.ErrorCodes;
import dev.opshub.contract.Headers;
import dev.opshub.web.bridge.delivery.ConnectionOutbox;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import dev.opshub.web.bridge.subscription.ConnectionSubscriptions;
import dev.opshub.web.bridge.subscription.NodeTable;
import dev.opshub.web.bridge.subscription.Subscription;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * The protocol side of one connection: every frame the client sends is read, rate-limited, parsed and checked, then
 * becomes a registration, an unregistration, a pong or a forwarded control; every refusal is an {@code err} frame
 * and the connection goes on (only a flood closes it). A {@code ping} is a barrier: its {@code pong} follows the
 * registrations sent before it, so a client knows its subscriptions are in place once the pong arrives. Used on the
 * connection's event loop only.
 */
public final class ClientSession implements Subscription.Owner {

  private final ProtocolSettings settings;
  private final RequestParser parser;
  private final AccessPolicy access;
  private final InboundLimiter limiter;
  private final ControlRelay relay;
  private final ConnectionOutbox outbox;
  private final ConnectionSubscriptions subscriptions;
  private final BridgeMetrics metrics;
  private final Clock clock;
  private final Consumer<CloseReason> closer;
  private final Consumer<Refusal> refuse = this::refuse;
  private final Consumer<String> message = this::onMessage;
  private boolean closed;
  /** Registrations sent to the node table and not yet in place; pongs wait for them. */
  private int pendingRegistrations;
  private int deferredPongs;

  /** @param closer closes the connection (a flood) */
  public ClientSession(ProtocolSettings settings, NodeTable table, ConnectionOutbox outbox, EventBus eventBus,
                       BridgeMetrics metrics, Clock clock, Consumer<CloseReason> closer) {
    this.settings = settings;
    this.parser = new RequestParser(settings.maxFrameSize(), settings.maxMessageSize());
    this.access = new AccessPolicy(settings.operatorToken());
    this.limiter = new InboundLimiter(settings.maxInboundPerSecond(), clock.nanoTime());
    this.relay = new ControlRelay(eventBus, settings.replyTimeoutMs());
    this.outbox = outbox;
    this.subscriptions = new ConnectionSubscriptions(table, outbox, this, settings.maxSubscriptions());
    this.metrics = metrics;
    this.clock = clock;
    this.closer = closer;
  }

  /** A SockJS frame from the client. */
  public void onText(String text) {
    if (!closed) {
      parser.readFrame(text, message, refuse, () -> closed);
    }
  }

  /** A frame outside the protocol (binary). */
  public void onInvalidFrame(String why) {
    if (!closed) {
      refuse(new Refusal(ErrorCodes.INVALID_JSON, null, why));
    }
  }

  /** The connection closed: its subscriptions leave the node table. */
  public void close() {
    closed = true;
    subscriptions.closeAll();
  }

  private void onMessage(String text) {
    metrics.clientMessages.increment();
    switch (limiter.take(clock.nanoTime())) {
      case ACCEPTED -> { }
      case REFUSED -> {
        refuse(new Refusal(ErrorCodes.RATE_LIMITED, null, "more than " + limiter.rate() + " messages/s"));
        return;
      }
      case FLOOD -> {
        // abusive: answering each refusal would cost more than the flood itself
        closer.accept(CloseReason.RATE_LIMITED);
        return;
      }
    }
    try {
      BridgeRequest request = parser.parse(text);
      if (request instanceof BridgeRequest.Register r) {
        register(r);
      } else if (request instanceof BridgeRequest.Send s) {
        send(s);
      } else if (request instanceof BridgeRequest.Unregister u) {
        subscriptions.unregister(u.address());
      } else {
        pong();
      }
    } catch (Refusal r) {
      refuse(r);
    }
  }

  private void register(BridgeRequest.Register r) {
    if (!access.mayRegister(r.address())) {
      throw new Refusal(ErrorCodes.ACCESS_DENIED, r.address(), "register on " + r.address() + " is not allowed");
    }
    switch (subscriptions.register(r.address(), r.resume())) {
      case STARTED -> pendingRegistrations++;
      case ALREADY -> { }
      case LIMIT -> throw new Refusal(ErrorCodes.MAX_SUBSCRIPTIONS, r.address(),
          "at most " + settings.maxSubscriptions() + " subscriptions per connection");
    }
  }

  private void send(BridgeRequest.Send s) {
    if (s.address().equals(Addresses.PING)) {
      if (s.replyAddress() != null) {
        JsonObject body = new JsonObject().put(BridgeProtocol.BODY_TS, clock.currentTimeMillis()).put("nodeId", settings.nodeId());
        // the page's status line: is there an engine in this node's part of the cluster
        JsonObject engine = settings.engineStatus() == null ? null : settings.engineStatus().get();
        if (engine != null) {
          body.put(BridgeProtocol.BODY_ENGINE, engine);
        }
        outbox.reply(Replies.rec(s.replyAddress(), null, body));
      }
      return;
    }
    if (!access.mayForward(s.address(), s.publish())) {
      throw new Refusal(ErrorCodes.ACCESS_DENIED, s.replyAddress(),
          (s.publish() ? "publish" : "send") + " to " + s.address() + " is not allowed");
    }
    if (!access.operator(s.headers().getValue(Headers.TOKEN))) {
      throw new Refusal(ErrorCodes.ACCESS_DENIED, s.replyAddress(), "operator token missing or wrong");
    }
    relay.forward(s, outbox::reply);
  }

  private void pong() {
    if (pendingRegistrations > 0) {
      deferredPongs++;
    } else {
      outbox.reply(Replies.PONG);
    }
  }

  @Override
  public void registrationDone() {
    if (--pendingRegistrations == 0) {
      for (; deferredPongs > 0; deferredPongs--) {
        outbox.reply(Replies.PONG);
      }
    }
  }

  @Override
  public void registrationRefused(Subscription sub, String detail) {
    registrationDone();
    subscriptions.forget(sub);
    refuse(new Refusal(ErrorCodes.MAX_SUBSCRIPTIONS, sub.address(), detail));
  }

  private void refuse(Refusal r) {
    metrics.errors(r.code()).increment();
    outbox.reply(Replies.refusal(r));
  }
}
