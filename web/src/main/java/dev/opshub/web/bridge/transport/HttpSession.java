package dev.opshub.web.bridge.transport;

import dev.opshub.web.bridge.delivery.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.TimeUnit;

/**
 * SockJS over HTTP requests (xhr-streaming, xhr-polling, eventsource): one session, identified by the id in its
 * URLs, fed by one receiving request at a time. Frames go to the current receiver while it takes them: a streaming
 * one until its response limit, a polling one for what one event-loop task writes, then it ends and the client asks
 * again. Between receivers nothing is writable, so messages wait in the connection's bounded queue under the
 * usual rules (conflation, slow consumer). A second receiver meanwhile gets {@code c[2010,..]}; a receiver the
 * client aborts closes the session ({@code c[1002,..]}); with no receiver for the timeout the session closes. A
 * closed session answers its close frame for the timeout, then leaves the table. Used on its event loop only.
 */
public final class HttpSession implements ClientTransport {

  /** What a closed or timed-out session tells its table. */
  public interface Table {
    void remove(HttpSession session);
  }

  private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String id;
  private final EventLoop loop;
  private final Table table;
  private final long timeoutNanos;
  private final long responseLimit;
  private TransportListener listener;
  private SessionReceiver receiver;
  /** The polling receiver whose end is posted (it ends after the task that wrote to it). */
  private SessionReceiver endPosted;
  private EventLoop.Timer idleTimer;
  private String closeFrame;
  private volatile boolean closed;
  private Promise<Void> closeTold;
  private long lastWriteNanos;

  /**
   * @param timeoutNanos  how long the session lives without a receiving request (SockJS disconnect delay)
   * @param responseLimit bytes after which a streaming response ends (the client opens another one); also the most a
   *                      polling response takes
   */
  public HttpSession(String id, EventLoop loop, Table table, long timeoutNanos, long responseLimit) {
    this.id = id;
    this.loop = loop;
    this.table = table;
    this.timeoutNanos = timeoutNanos;
    this.responseLimit = responseLimit;
    this.lastWriteNanos = loop.clock().nanoTime();
  }

  public String id() {
    return id;
  }

  /** The loop everything of this session runs on (post to it from other threads). */
  public EventLoop loop() {
    return loop;
  }

  /** False once closed (readable from any thread, for the HTTP endpoints). */
  public boolean open() {
    return !closed;
  }

  /** A receiving request: it becomes the receiver, or gets the close frame or {@code c[2010,..]}. */
  public void receive(SessionReceiver r) {
    if (closeFrame != null) {
      r.write(r.kind().framing().text(closeFrame));
      r.end();
      if (closeTold != null) {
        closeTold.tryComplete();
      }
      return;
    }
    if (receiver != null) {
      r.write(r.kind().framing().text(SockJsFrames.ANOTHER_CONNECTION));
      r.end();
      return;
    }
    receiver = r;
    cancelIdle();
    if (listener != null) {
      listener.onActivity();
      listener.onWritable();
    }
  }

  /** A message frame posted with {@code xhr_send} (a JSON array of strings). */
  public void inbound(String text) {
    if (closeFrame == null && listener != null) {
      listener.onText(text);
    }
  }

  /** The receiver's write queue drained. */
  public void drained(SessionReceiver r) {
    if (r == receiver && closeFrame == null && listener != null) {
      listener.onWritable();
    }
  }

  /** The client closed {@code r} before the session ended it: the session is interrupted. */
  public void receiverClosed(SessionReceiver r) {
    if (r != receiver) {
      return;
    }
    receiver = null;
    if (closeFrame == null) {
      markClosed(SockJsFrames.INTERRUPTED);
      if (listener != null) {
        listener.onClosed();
      }
    }
    armIdle();
  }

  @Override
  public void start(TransportListener listener, long nowNanos) {
    this.listener = listener;
    writeText(SockJsFrames.OPEN, nowNanos);
  }

  @Override
  public boolean writable() {
    SessionReceiver r = receiver;
    if (r == null || closeFrame != null || r.full()) {
      return false;
    }
    return r.kind().streaming() || r.written() < responseLimit;
  }

  @Override
  public void write(OutboundFrame frame, long nowNanos) {
    SessionReceiver r = receiver;
    if (r == null) {
      return;
    }
    r.write(frame.httpFrame(r.kind().framing()));
    lastWriteNanos = nowNanos;
    afterWrite(r);
  }

  /** A heartbeat with no receiver is dropped: nobody would see it. */
  @Override
  public void writeText(String frame, long nowNanos) {
    SessionReceiver r = receiver;
    if (r == null || closeFrame != null) {
      return;
    }
    r.write(r.kind().framing().text(frame));
    lastWriteNanos = nowNanos;
    afterWrite(r);
  }

  private void afterWrite(SessionReceiver r) {
    if (r.kind().streaming()) {
      if (r.written() >= responseLimit) {
        detach();
      }
    } else if (endPosted != r) {
      endPosted = r;
      loop.post(() -> {
        if (endPosted == r) {
          endPosted = null;
        }
        if (receiver == r) {
          detach();
        }
      });
    }
  }

  @Override
  public long lastWriteNanos() {
    return lastWriteNanos;
  }

  /**
   * Closes with {@code closeFrame}: written to the receiver now, or to the next receiving request; the future
   * completes then or after a second. The session answers the frame until its timeout.
   */
  @Override
  public Future<Void> close(String closeFrame, String reason) {
    if (this.closeFrame != null) {
      return Future.succeededFuture();
    }
    markClosed(closeFrame);
    SessionReceiver r = receiver;
    if (r != null) {
      r.write(r.kind().framing().text(closeFrame));
      lastWriteNanos = loop.clock().nanoTime();
      detach();
      return Future.succeededFuture();
    }
    Promise<Void> told = Promise.promise();
    closeTold = told;
    loop.schedule(CLOSE_WAIT_NANOS, told::tryComplete);
    if (idleTimer == null) {
      armIdle();
    }
    return told.future();
  }

  @Override
  public boolean writesDirectly() {
    return false;
  }

  private void markClosed(String frame) {
    closeFrame = frame;
    closed = true;
  }

  private void detach() {
    SessionReceiver r = receiver;
    receiver = null;
    r.end();
    armIdle();
  }

  private void armIdle() {
    cancelIdle();
    idleTimer = loop.schedule(timeoutNanos, this::idle);
  }

  private void cancelIdle() {
    if (idleTimer != null) {
      idleTimer.cancel();
      idleTimer = null;
    }
  }

  private void idle() {
    idleTimer = null;
    if (receiver != null) {
      return;
    }
    if (closeFrame == null) {
      // nobody came for the disconnect delay: the client is gone
      markClosed(SockJsFrames.INTERRUPTED);
      if (listener != null) {
        listener.onClosed();
      }
    }
    table.remove(this);
  }
}
