package dev.opshub.contract;

/** Names of the message headers opshub puts on {@code ops.*} streams and bridge frames. */
public final class Headers {

  /** Changes each time an engine becomes active; a decimal string. */
  public static final String EPOCH = "epoch";
  /** +1 per message on one address within one epoch; a decimal string, first message is 1. */
  public static final String OFFSET = "offset";
  /** {@code "true"} on messages replayed from the newest-per-key snapshot; on a register frame, asks for one. */
  public static final String SNAPSHOT = "snapshot";
  /**
   * Stable identity of a message a drill produced ({@code <drillId>:<n>}, n counting the drill's messages): an
   * engine that takes a drill over may publish a message again under a new epoch, with the same id, and a node or
   * client that has it drops the copy.
   */
  public static final String ID = "id";
  /** Operator token on a bridge {@code send} to {@code ops.control.*}. */
  public static final String TOKEN = "token";

  private Headers() {
  }
}
