package dev.opshub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One SockJS connection of the load, over a {@link SockJsLink} (WebSocket or xhr-streaming): opens, registers on
 * the address, counts what arrives (loss and duplicates from body {@code seq}, latency from body {@code ts}) and,
 * when it is one of the stalling ones, stops reading, then comes back with the last {@code epoch}/{@code offset} it
 * saw. Every method runs on its loop's event-loop thread.
 */
final class BenchConnection {

  enum State { IDLE, CONNECTING, OPEN, STALLED, DRAINING, CLIENT_CLOSING, RECONNECTING, RESUMED, CLOSED }

  private final ClientLoopVerticle loop;
  private final RunState run;
  final int index;
  final boolean stalls;

  private final FrameScanner.Sink sink = this::onMessage;
  private long frameNowMicros;
  private boolean frameMeasuring;
  private boolean frameRecording;
  private int frameDeliveries;

  private State state = State.IDLE;
  private SockJsLink link;
  private long pingTimer = -1;
  private String closeFrame;

  private long expectedSeq = -1;
  private long seqLost;
  private long seqDuplicates;
  private long messages;

  // only for stalling connections
  private String lastEpoch;
  private long lastOffset = -1;
  private long messagesBeforeStall = -1;
  private long messagesAtResume = -1;
  private long messagesAtReconnect = -1;
  private String closedBy = "none";
  private String closeReason;
  private long resumeFrom = -1;
  private String resumeEpoch;
  private boolean reconnected;
  private String reconnectError;
  private long expectedOffset = -1;
  private long firstOffsetAfterReconnect = -1;
  private long snapshotMessages;
  private long offsetGaps;
  private long offsetDuplicates;
  private boolean epochChanged;

  BenchConnection(ClientLoopVerticle loop, RunState run, int index, boolean stalls) {
    this.loop = loop;
    this.run = run;
    this.index = index;
    this.stalls = stalls;
  }

  State state() {
    return state;
  }

  /**
   * Completes when the transport is open (WebSocket upgrade, first xhr-streaming response), failed or timed out
   * (failures are counted here). The timeout is our own: a client timeout would also close an open but quiet one.
   */
  Future<Void> connect() {
    state = state == State.IDLE ? State.CONNECTING : State.RECONNECTING;
    Promise<Void> attempt = Promise.promise();
    long watchdog = loop.vertx().setTimer(loop.handshakeTimeout(), id -> {
      if (attempt.tryComplete()) failed("handshake_timeout");
    });
    loop.openLink(index).onComplete(ar -> {
      loop.vertx().cancelTimer(watchdog);
      if (!attempt.tryComplete()) {
        if (ar.succeeded()) ar.result().close();
        return;
      }
      if (ar.succeeded()) {
        attach(ar.result());
      } else {
        failed(failureReason(ar.cause()));
      }
    });
    return attempt.future();
  }

  private void failed(String reason) {
    if (state == State.RECONNECTING) {
      reconnectError = reason;
    } else {
      run.failed(reason);
    }
    state = State.CLOSED;
  }

  private void attach(SockJsLink opened) {
    link = opened;
    closeFrame = null;
    opened.handlers(this::onSockJsFrame, this::onClose);
    // a server that opens the transport but never sends the SockJS open frame
    loop.vertx().setTimer(loop.handshakeTimeout(), id -> {
      if (link == opened && (state == State.CONNECTING || state == State.RECONNECTING)) {
        failed("no_open_frame");
        opened.close();
      }
    });
  }

  private void onSockJsFrame(Buffer data) {
    if (data.length() == 0) return;
    switch (data.getByte(0)) {
      case 'o' -> onOpen();
      case 'a' -> onMessages(data);
      case 'c' -> closeFrame = closeReasonOf(data.toString(StandardCharsets.UTF_8));
      default -> {
        // 'h' heartbeat: nothing to do
      }
    }
  }

  private void onOpen() {
    JsonObject headers = new JsonObject();
    if (state == State.RECONNECTING) {
      if (lastEpoch != null && lastOffset >= 0) {
        resumeEpoch = lastEpoch;
        resumeFrom = lastOffset;
        expectedOffset = lastOffset + 1;
        headers.put("epoch", lastEpoch).put("offset", Long.toString(lastOffset));
      }
      reconnected = true;
      messagesAtReconnect = messages;
      state = State.RESUMED;
    } else {
      state = State.OPEN;
      run.opened.increment();
      run.open.incrementAndGet();
    }
    for (String address : loop.addresses()) {
      send(new JsonObject().put("type", "register").put("address", address).put("headers", headers));
    }
    pingTimer = loop.vertx().setPeriodic(loop.pingJitter(), loop.pingInterval(), id -> send(ClientLoopVerticle.PING));
  }

  private void send(JsonObject message) {
    send(message.encode());
  }

  private void send(String message) {
    SockJsLink current = link;
    if (current != null && !current.isClosed()) current.send(message);
  }

  private void onMessages(Buffer data) {
    frameNowMicros = nowMicros();
    frameMeasuring = run.measuring();
    frameRecording = !stalls && run.recording();
    frameDeliveries = 0;
    int length = data.length();
    byte[] bytes = loop.frameBytes(length);
    data.getBytes(0, length, bytes, 0);
    try {
      if (loop.scanner().scan(bytes, length, stalls, sink) < 0) {
        // not the compact form: the general (slower) JSON path
        loop.forEachMessage(new String(bytes, 0, length, StandardCharsets.UTF_8), text -> onMessage(loop.scratch().read(text, stalls)));
      }
    } catch (IllegalStateException e) {
      run.error("bad_frame");
    }
    // frames per message: only frames that carried deliveries (a frame holding just a pong is not batching)
    if (frameDeliveries > 0) {
      run.frames.increment();
      if (frameMeasuring) run.measuredFrames.increment();
    }
  }

  private void onMessage(BridgeMessage m) {
    switch (m.type) {
      case REC -> onDelivery(m, frameNowMicros, frameMeasuring, frameRecording);
      case ERR -> run.error(m.error);
      default -> {
        // pong or anything else
      }
    }
  }

  private void onDelivery(BridgeMessage m, long nowMicros, boolean measuring, boolean recording) {
    messages++;
    frameDeliveries++;
    run.messages.increment();
    if (measuring) run.measuredMessages.increment();
    if (recording && m.ts > 0) loop.recordLatency(Math.max(0, nowMicros - m.ts * 1000));
    if (m.skipped > 0) run.publisherSkipped.accumulate(m.skipped);
    if (stalls) {
      if (m.snapshot) {
        snapshotMessages++;
        return;
      }
      trackOffset(m);
    }
    if (m.seq < 0) return;
    if (expectedSeq < 0 || m.seq == expectedSeq) {
      expectedSeq = m.seq + 1;
    } else if (m.seq > expectedSeq) {
      long gap = m.seq - expectedSeq;
      seqLost += gap;
      if (!stalls) run.lost.add(gap);
      expectedSeq = m.seq + 1;
    } else {
      seqDuplicates++;
      if (!stalls) run.duplicates.increment();
    }
  }

  private void trackOffset(BridgeMessage m) {
    if (m.epoch == null || m.offset < 0) return;
    if (state == State.RESUMED) {
      if (firstOffsetAfterReconnect < 0) {
        firstOffsetAfterReconnect = m.offset;
        if (resumeEpoch != null && !resumeEpoch.equals(m.epoch)) epochChanged = true;
        if (expectedOffset < 0) expectedOffset = m.offset;
      }
      if (m.offset == expectedOffset) {
        expectedOffset++;
      } else if (m.offset > expectedOffset) {
        offsetGaps += m.offset - expectedOffset;
        expectedOffset = m.offset + 1;
      } else {
        offsetDuplicates++;
      }
    }
    lastEpoch = m.epoch;
    lastOffset = m.offset;
  }

  /** Stops reading: the server's writes back up into the kernel buffers, then its own queue. */
  void stall() {
    if (state != State.OPEN || link == null) return;
    state = State.STALLED;
    messagesBeforeStall = messages;
    link.pause();
  }

  /** Reads again (draining what the kernel held); if the server does not close it within drainMs, closes it. */
  void unstall(long drainMs) {
    if (state != State.STALLED) return;
    state = State.DRAINING;
    messagesAtResume = messages;
    link.resume();
    loop.vertx().setTimer(Math.max(1, drainMs), id -> {
      if (state == State.DRAINING) {
        state = State.CLIENT_CLOSING;
        closedBy = "client";
        link.close();
      }
    });
  }

  private void onClose() {
    if (pingTimer >= 0) {
      loop.vertx().cancelTimer(pingTimer);
      pingTimer = -1;
    }
    String reason = closeFrame != null ? closeFrame
      : link == null ? "connection_dropped" : link.closeReason();
    State was = state;
    if (run.finishing()) {
      state = State.CLOSED;
      return;
    }
    switch (was) {
      case CONNECTING -> {
        state = State.CLOSED;
        run.failed("closed_before_open: " + reason);
      }
      case STALLED, DRAINING -> {
        closedBy = "server";
        closeReason = reason;
        run.closed(reason);
        run.open.decrementAndGet();
        if (messagesAtResume < 0) messagesAtResume = messages;
        connect();
      }
      case CLIENT_CLOSING -> {
        closeReason = "not closed by server";
        run.open.decrementAndGet();
        connect();
      }
      case RECONNECTING -> {
        state = State.CLOSED;
        reconnectError = "closed_before_open: " + reason;
      }
      case CLOSED, IDLE -> {
        // already counted (timed out before open)
      }
      default -> {
        state = State.CLOSED;
        run.closed(reason);
        if (was == State.OPEN) run.open.decrementAndGet();
      }
    }
  }

  /** Closes without counting (end of run). */
  void shutdown() {
    if (pingTimer >= 0) {
      loop.vertx().cancelTimer(pingTimer);
      pingTimer = -1;
    }
    SockJsLink current = link;
    if (current != null && !current.isClosed()) current.close();
  }

  StallReport stallReport() {
    long drained = messagesAtResume < 0 ? 0
      : (messagesAtReconnect >= 0 ? messagesAtReconnect : messages) - messagesAtResume;
    long after = messagesAtReconnect < 0 ? 0 : messages - messagesAtReconnect;
    return new StallReport(index, Math.max(0, messagesBeforeStall), drained, closedBy, closeReason, resumeEpoch, resumeFrom,
      reconnected, reconnectError, firstOffsetAfterReconnect, after, snapshotMessages, offsetGaps, offsetDuplicates,
      seqLost, seqDuplicates, epochChanged, state.name());
  }

  /** {@code c[3000,"Go away!"]} -> {@code 3000 Go away!}. */
  static String closeReasonOf(String frame) {
    try {
      JsonArray array = new JsonArray(frame.substring(1));
      return array.getValue(0) + (array.size() > 1 ? " " + array.getValue(1) : "");
    } catch (RuntimeException e) {
      return frame;
    }
  }

  private static String failureReason(Throwable cause) {
    String name = cause.getClass().getSimpleName();
    String message = cause.getMessage();
    if (message == null) return name;
    // keep the reason short and free of per-connection details (ports, ids) so identical failures add up
    int cut = message.indexOf(':');
    return name + ": " + (cut > 0 ? message.substring(0, cut) : message);
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
