package dev.opshub.web.bridge.subscription;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one address's node-level consumer remembers: a contiguous history window of the current epoch (at most
 * {@code historySize} messages, {@code historyMaxAge} old) to replay missed messages from, and the newest message
 * per body {@code key} (at most {@code snapshotMaxKeys}, least recently updated evicted first) for snapshots. It
 * decides what a new subscription gets first ({@link #plan}). Times are {@code Clock.nanoTime()}; used on the
 * bridge's table loop only.
 */
public final class HistoryWindow {

  private final int historySize;
  private final long maxAgeNanos;
  private final int snapshotMaxKeys;
  private final ArrayDeque<EncodedMessage> history = new ArrayDeque<>();
  private final LinkedHashMap<String, EncodedMessage> snapshot = new LinkedHashMap<>();
  private long epoch = EncodedMessage.NONE;
  private long lastOffset = EncodedMessage.NONE;

  public HistoryWindow(int historySize, long historyMaxAgeMs, int snapshotMaxKeys) {
    this.historySize = historySize;
    this.maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(historyMaxAgeMs);
    this.snapshotMaxKeys = snapshotMaxKeys;
  }

  /** Records a message that arrived from the event bus. */
  public void record(EncodedMessage m) {
    if (m.sequenced()) {
      if (epoch == EncodedMessage.NONE || m.epoch > epoch) {
        // a new engine took over: offsets restart, the old window cannot serve resumes of the new epoch
        history.clear();
        epoch = m.epoch;
        lastOffset = EncodedMessage.NONE;
      }
      if (m.epoch == epoch) {
        if (lastOffset != EncodedMessage.NONE && m.offset <= lastOffset) {
          // duplicate or late: the window keeps one ordered copy
          storeSnapshot(m);
          return;
        }
        if (lastOffset != EncodedMessage.NONE && m.offset != lastOffset + 1) {
          // this node missed messages: the window must be contiguous to answer resumes truthfully
          history.clear();
        }
        lastOffset = m.offset;
        if (historySize > 0) {
          history.addLast(m);
          trim(m.receivedNanos);
        }
      }
    }
    storeSnapshot(m);
  }

  /** The node lost messages of this address (it shed them): the window has a gap and cannot serve resumes. */
  public void gap() {
    history.clear();
    lastOffset = EncodedMessage.NONE;
  }

  /** Drops history entries beyond the count or age window. */
  public void trim(long nowNanos) {
    while (!history.isEmpty()
        && (history.size() > historySize || nowNanos - history.peekFirst().receivedNanos > maxAgeNanos)) {
      history.pollFirst();
    }
  }

  /** Messages in the window (for tests). */
  int size() {
    return history.size();
  }

  public void clear() {
    history.clear();
    snapshot.clear();
  }

  /**
   * What a subscription registering with {@code request} at {@code nowNanos} gets first: nothing (live only), the
   * messages after its offset when its epoch is this window's and nothing after that offset fell out of the window
   * (a resume hit), else the newest message per key (a miss, or asked for). It never gets a message at or below
   * what it already has.
   */
  public ResumePlan plan(ResumeRequest request, long nowNanos) {
    trim(nowNanos);
    if (request.snapshot()) {
      return snapshotPlan(ResumePlan.Outcome.SNAPSHOT, request);
    }
    if (!request.resumes()) {
      return new ResumePlan(ResumePlan.Outcome.LIVE, List.of(), EncodedMessage.NONE, EncodedMessage.NONE);
    }
    long o = request.offset() == EncodedMessage.NONE ? 0 : request.offset();
    if (epoch != EncodedMessage.NONE && request.epoch() == epoch && lastOffset != EncodedMessage.NONE
        && (o >= lastOffset || (!history.isEmpty() && history.peekFirst().offset <= o + 1))) {
      List<ResumePlan.First> missed = new ArrayList<>();
      for (EncodedMessage m : history) {
        if (m.offset > o) {
          missed.add(new ResumePlan.First(m.element, m.conflationKey, m.ts));
        }
      }
      return new ResumePlan(ResumePlan.Outcome.RESUMED, missed, epoch, Math.max(o, lastOffset));
    }
    return snapshotPlan(ResumePlan.Outcome.RESUME_MISSED, request);
  }

  private ResumePlan snapshotPlan(ResumePlan.Outcome outcome, ResumeRequest request) {
    List<ResumePlan.First> first = new ArrayList<>(snapshot.size());
    for (EncodedMessage m : snapshot.values()) {
      first.add(new ResumePlan.First(m.snapshotElement(), m.conflationKey, m.ts));
    }
    if (request.resumes() && (epoch == EncodedMessage.NONE || request.epoch() > epoch
        || (request.epoch() == epoch && request.offset() > lastOffset))) {
      // the client saw more than this node has: skip what it already has when it arrives here
      return new ResumePlan(outcome, first, request.epoch(), request.offset());
    }
    return new ResumePlan(outcome, first, epoch, lastOffset);
  }

  private void storeSnapshot(EncodedMessage m) {
    if (m.key == null || snapshotMaxKeys == 0) {
      return;
    }
    EncodedMessage previous = snapshot.remove(m.key);
    if (previous != null && previous.sequenced() && m.sequenced() && previous.epoch == m.epoch && previous.offset > m.offset) {
      snapshot.put(m.key, previous);
      return;
    }
    snapshot.put(m.key, m);
    if (snapshot.size() > snapshotMaxKeys) {
      Iterator<String> eldest = snapshot.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }
}
