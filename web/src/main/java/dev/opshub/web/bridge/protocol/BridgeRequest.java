package dev.opshub.web.bridge.protocol;

import dev.opshub.web.bridge.subscription.ResumeRequest;
import io.vertx.core.json.JsonObject;

/** One bridge message from a client, parsed ({@link RequestParser}). */
public sealed interface BridgeRequest {

  /** {@code ping}: answered with {@code pong} once the registrations sent before it are in place. */
  record Ping() implements BridgeRequest {
  }

  /** {@code register} on {@code address}, with what to get first. */
  record Register(String address, ResumeRequest resume) implements BridgeRequest {
  }

  /** {@code unregister} from {@code address}. */
  record Unregister(String address) implements BridgeRequest {
  }

  /** {@code send} (request-reply when {@code replyAddress} is set) or {@code publish} to {@code address}. */
  record Send(String address, String replyAddress, JsonObject headers, Object body, boolean publish) implements BridgeRequest {
  }
}
