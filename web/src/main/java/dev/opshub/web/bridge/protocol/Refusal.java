package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.ErrorCodes;

/**
 * A client frame or message refused: the {@code err} frame's code, the address it concerns (the registered address,
 * or a send's reply address, so the official client hands it to the handler concerned; null for the client's
 * {@code onerror}) and a human detail. Thrown without a stack trace.
 */
public final class Refusal extends RuntimeException {

  private final ErrorCodes code;
  private final String address;

  public Refusal(ErrorCodes code, String address, String detail) {
    super(detail, null, false, false);
    this.code = code;
    this.address = address;
  }

  public ErrorCodes code() {
    return code;
  }

  public String address() {
    return address;
  }
}
