package dev.opshub.web.internal;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;

/**
 * Lets the bridge count the messages an event-bus consumer discards (its buffer full, or arriving after unregister)
 * instead of Vert.x logging a WARN per message. Internal API: {@code MessageConsumerImpl.discardHandler}. Fallback:
 * nothing is installed (Vert.x logs its warnings) and {@link #install} returns false.
 */
public final class ConsumerDiscards {

  private ConsumerDiscards() {
  }

  /** Installs {@code handler} for the discards of {@code consumer}; false when this Vert.x does not allow it. */
  public static <T> boolean install(MessageConsumer<T> consumer, Handler<Message<T>> handler) {
    try {
      if (consumer instanceof MessageConsumerImpl<T> impl) {
        impl.discardHandler(handler);
        return true;
      }
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
    return false;
  }
}
