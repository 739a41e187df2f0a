package dev.opshub.contract;

/**
 * Short snake_case error codes that clients see (bridge {@code err} frames, failed replies, REST bodies),
 * with the failure code a failed event-bus reply carries (an HTTP status, so REST maps it one to one).
 */
public enum ErrorCodes {
  ACCESS_DENIED(403),
  UNAUTHORIZED(401),
  INVALID_JSON(400),
  INVALID_REQUEST(400),
  /** A bridge message whose {@code type} is missing or unknown. */
  UNKNOWN_TYPE(400),
  UNKNOWN_SCENARIO(404),
  NOT_FOUND(404),
  INVALID_STATE(409),
  INVALID_TRANSITION(409),
  TOO_LARGE(413),
  RATE_LIMITED(429),
  MAX_SUBSCRIPTIONS(429),
  TOO_MANY_CONNECTIONS(503),
  NO_ENGINE(503),
  TIMEOUT(504);

  private final int status;

  ErrorCodes(int status) {
    this.status = status;
  }

  /** The code as clients see it, e.g. {@code access_denied}. */
  public String code() {
    return WireName.of(this);
  }

  /** HTTP status, also used as the failure code of a failed event-bus reply. */
  public int status() {
    return status;
  }
}
