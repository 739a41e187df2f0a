package dev.opshub.web.bridge;

/**
 * One connection registered on one address. Created on the connection's context; the channel adds it to the
 * node-local table on the bridge context. The filter fields are touched only on the connection's context.
 */
final class Subscription {

  final BridgeConnection connection;
  final String address;
  /** Register header {@code epoch}, or {@link EncodedMessage#NONE}. */
  final long resumeEpoch;
  /** Register header {@code offset}, or {@link EncodedMessage#NONE}. */
  final long resumeOffset;
  /** Register header {@code snapshot: "true"}. */
  final boolean snapshotRequested;

  /** Set on unregister or close; later deliveries are ignored. */
  boolean closed;
  /** Newest (epoch, offset) written or skipped: anything at or below it is a duplicate. */
  long filterEpoch = EncodedMessage.NONE;
  long filterOffset = EncodedMessage.NONE;

  Subscription(BridgeConnection connection, String address, long resumeEpoch, long resumeOffset, boolean snapshotRequested) {
    this.connection = connection;
    this.address = address;
    this.resumeEpoch = resumeEpoch;
    this.resumeOffset = resumeOffset;
    this.snapshotRequested = snapshotRequested;
  }

  /** True if the message must be written (not a duplicate nor from an older epoch); advances the filter. */
  boolean accept(EncodedMessage m) {
    if (!m.sequenced()) {
      return true;
    }
    if (filterEpoch != EncodedMessage.NONE) {
      if (m.epoch < filterEpoch || (m.epoch == filterEpoch && m.offset <= filterOffset)) {
        return false;
      }
    }
    filterEpoch = m.epoch;
    filterOffset = m.offset;
    return true;
  }
}
