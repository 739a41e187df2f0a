package dev.opshub.bench;

import io.vertx.core.json.JsonObject;

/**
 * What happened to one connection that stopped reading: how it was closed, and whether, once it reconnected with
 * the last {@code epoch}/{@code offset} it had seen, it got every message it missed (by offset and by body seq).
 *
 * @param closedBy          {@code server} (the server closed it), {@code client} (the bench closed it after the stall
 *                          because the server had not), or {@code none} (still stalled at the end of the run)
 * @param resumeFrom        the offset sent in the register headers on reconnect; -1 when none was ever seen
 * @param offsetGaps        offsets missing after reconnect (first message after reconnect must be resumeFrom + 1)
 * @param offsetDuplicates  offsets received twice or going backwards after reconnect
 * @param seqLost           body seq numbers never received by this connection over the whole run
 * @param finalState        the connection's state when the run ended (RESUMED = came back and was reading)
 */
record StallReport(int connection, long messagesBeforeStall, long messagesDrained, String closedBy, String closeReason,
                   String epoch, long resumeFrom, boolean reconnected, String reconnectError, long firstOffsetAfterReconnect,
                   long messagesAfterReconnect, long snapshotMessages, long offsetGaps, long offsetDuplicates,
                   long seqLost, long seqDuplicates, boolean epochChanged, String finalState) {

  /** True when it came back and nothing it missed was lost or repeated. */
  boolean receivedEverything() {
    return reconnected && messagesAfterReconnect > 0 && offsetGaps == 0 && offsetDuplicates == 0 && seqLost == 0
      && seqDuplicates == 0 && !epochChanged;
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("connection", connection)
      .put("messagesBeforeStall", messagesBeforeStall)
      .put("messagesDrained", messagesDrained)
      .put("closedBy", closedBy)
      .put("closeReason", closeReason)
      .put("epoch", epoch)
      .put("resumeFrom", resumeFrom)
      .put("reconnected", reconnected)
      .put("reconnectError", reconnectError)
      .put("firstOffsetAfterReconnect", firstOffsetAfterReconnect)
      .put("messagesAfterReconnect", messagesAfterReconnect)
      .put("snapshotMessages", snapshotMessages)
      .put("offsetGaps", offsetGaps)
      .put("offsetDuplicates", offsetDuplicates)
      .put("seqLost", seqLost)
      .put("seqDuplicates", seqDuplicates)
      .put("epochChanged", epochChanged)
      .put("finalState", finalState)
      .put("receivedEverything", receivedEverything());
  }
}
