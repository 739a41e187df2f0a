package dev.opshub.web.bridge.protocol;

import dev.opshub.contract.Addresses;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may do what on the bridge, deny by default: anyone may register on the {@code ops.*} streams (neither control
 * nor the ping); only a send (not a publish) to {@code ops.control.*} that carries the operator token is forwarded;
 * {@code ops.ping} is answered by the node itself.
 */
public final class AccessPolicy {

  private final byte[] operatorToken;

  /** @param operatorToken the token operators present, or null/empty to refuse every control */
  public AccessPolicy(String operatorToken) {
    this.operatorToken = operatorToken == null || operatorToken.isEmpty() ? null : operatorToken.getBytes(StandardCharsets.UTF_8);
  }

  public boolean mayRegister(String address) {
    return Addresses.isStream(address);
  }

  /** True for a send the node may forward (given the token checks out). */
  public boolean mayForward(String address, boolean publish) {
    return !publish && Addresses.isControl(address);
  }

  /** True when {@code given} (the {@code token} header) is the operator token; compared in constant time. */
  public boolean operator(Object given) {
    if (operatorToken == null || !(given instanceof String g)) {
      return false;
    }
    return MessageDigest.isEqual(operatorToken, g.getBytes(StandardCharsets.UTF_8));
  }
}
