package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.Headers;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * Forwards an operator's control ({@code ops.control.*}) to the event bus: as a request with a timeout when the
 * client gave a reply address (the reply, or the failure, is relayed to it), else as a plain send. Headers go along,
 * the token does not.
 */
public final class ControlRelay {

  private final EventBus eventBus;
  private final long replyTimeoutMs;

  public ControlRelay(EventBus eventBus, long replyTimeoutMs) {
    this.eventBus = eventBus;
    this.replyTimeoutMs = replyTimeoutMs;
  }

  /** Forwards {@code send}; the answer for the client goes to {@code answer} (on the caller's context). */
  public void forward(BridgeRequest.Send send, Consumer<byte[]> answer) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(replyTimeoutMs);
    send.headers().forEach(e -> {
      if (!Headers.TOKEN.equals(e.getKey()) && e.getValue() != null) {
        delivery.addHeader(e.getKey(), String.valueOf(e.getValue()));
      }
    });
    if (send.replyAddress() == null) {
      eventBus.send(send.address(), send.body(), delivery);
      return;
    }
    eventBus.request(send.address(), send.body(), delivery)
        .onSuccess(reply -> answer.accept(Replies.rec(send.replyAddress(), headers(reply), reply.body())))
        .onFailure(err -> answer.accept(Replies.failure(send.replyAddress(), err)));
  }

  private static JsonObject headers(Message<Object> reply) {
    JsonObject headers = new JsonObject();
    reply.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    return headers;
  }
}
