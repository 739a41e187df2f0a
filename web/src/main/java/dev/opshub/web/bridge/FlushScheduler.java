package dev.opshub.web.bridge;

import io.vertx.core.Context;

import java.util.ArrayList;

/**
 * Flushes the connections of one event loop that got messages during the current turn, in one task queued behind
 * the work already pending: a burst is written as few frames, and a lone message waits for nothing.
 */
final class FlushScheduler {

  private final Context context;
  private ArrayList<BridgeConnection> dirty = new ArrayList<>();
  private ArrayList<BridgeConnection> spare = new ArrayList<>();
  private boolean scheduled;

  FlushScheduler(Context context) {
    this.context = context;
  }

  /** Called on {@link #context} only. */
  void mark(BridgeConnection connection) {
    if (connection.dirty) {
      return;
    }
    connection.dirty = true;
    dirty.add(connection);
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> run());
    }
  }

  private void run() {
    scheduled = false;
    ArrayList<BridgeConnection> batch = dirty;
    dirty = spare;
    for (int i = 0; i < batch.size(); i++) {
      BridgeConnection c = batch.get(i);
      c.dirty = false;
      c.flush();
    }
    batch.clear();
    spare = batch;
  }
}
