package dev.opshub.web.bridge;

import java.util.Locale;

/**
 * Codes of the bridge's {@code err} frames; the same snake_case codes and statuses as {@code dev.opshub.contract.ErrorCodes}
 * (web sees the contract only through JSON, so they are repeated here).
 */
enum BridgeError {
  ACCESS_DENIED(403),
  INVALID_JSON(400),
  INVALID_REQUEST(400),
  UNKNOWN_TYPE(400),
  TOO_LARGE(413),
  RATE_LIMITED(429),
  MAX_SUBSCRIPTIONS(429),
  TOO_MANY_CONNECTIONS(503),
  TIMEOUT(504);

  private final int status;

  BridgeError(int status) {
    this.status = status;
  }

  String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  int status() {
    return status;
  }
}
