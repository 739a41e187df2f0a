package dev.opshub.engine.domain;

import dev.opshub.contract.ErrorCodes;
import io.vertx.core.eventbus.Message;

/** A refused control or query: an error code and a short detail, answered as a failed reply. */
final class Refusal extends RuntimeException {

  private final ErrorCodes code;

  Refusal(ErrorCodes code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  ErrorCodes code() {
    return code;
  }

  /** Fails {@code msg} with this refusal. */
  void reply(Message<?> msg) {
    fail(msg, code, getMessage());
  }

  /** Fails {@code msg} with {@code code}'s status and {@code <code>: <detail>}. */
  static void fail(Message<?> msg, ErrorCodes code, String detail) {
    msg.fail(code.status(), code.code() + ": " + detail);
  }
}
