package dev.opshub.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by every client event loop and read by the coordinator and the progress reporter. Latencies go
 * to one single-writer recorder per loop (no contention on the hot path); the reader side drains them under this
 * object's lock.
 */
final class RunState {

  enum Phase { CONNECTING, WARMUP, MEASURE, DONE }

  /** Latency values are microseconds; one hour is far past any sane run. */
  static final long HIGHEST_LATENCY_MICROS = 3_600_000_000L;
  /** Distinct close/fail/error reasons kept; the rest are summed under "other" so the maps stay bounded. */
  static final int MAX_REASONS = 32;

  private volatile Phase phase = Phase.CONNECTING;
  private volatile boolean finishing;

  final LongAdder messages = new LongAdder();
  final LongAdder frames = new LongAdder();
  final LongAdder measuredMessages = new LongAdder();
  final LongAdder measuredFrames = new LongAdder();
  final LongAdder lost = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  /** The highest count of skipped messages the publisher has told (body {@code skipped}). */
  final LongAccumulator publisherSkipped = new LongAccumulator(Math::max, 0);
  final LongAdder opened = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder closed = new LongAdder();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger attempted = new AtomicInteger();

  private final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failReasons = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
  private final Histogram measured = new Histogram(HIGHEST_LATENCY_MICROS, 3);

  Phase phase() {
    return phase;
  }

  boolean finishing() {
    return finishing;
  }

  boolean recording() {
    Phase p = phase;
    return p == Phase.WARMUP || p == Phase.MEASURE;
  }

  boolean measuring() {
    return phase == Phase.MEASURE;
  }

  SingleWriterRecorder newRecorder() {
    SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_LATENCY_MICROS, 3);
    recorders.add(recorder);
    return recorder;
  }

  void startWarmup() {
    phase = Phase.WARMUP;
  }

  /** Drops what warmup recorded, then counts from now on. */
  synchronized void startMeasuring() {
    drainInterval();
    phase = Phase.MEASURE;
  }

  /** Stops counting; the last interval goes to the measured histogram. */
  synchronized void stopMeasuring() {
    phase = Phase.DONE;
    measured.add(drainInterval());
    finishing = true;
  }

  /** Called every second by the reporter: the latencies of the last second (also added to the total when measuring). */
  synchronized Histogram tick() {
    Histogram last = drainInterval();
    if (phase == Phase.MEASURE) measured.add(last);
    return last;
  }

  synchronized Histogram measured() {
    return measured.copy();
  }

  private Histogram drainInterval() {
    Histogram sum = new Histogram(HIGHEST_LATENCY_MICROS, 3);
    for (SingleWriterRecorder recorder : recorders) {
      sum.add(recorder.getIntervalHistogram());
    }
    return sum;
  }

  void closed(String reason) {
    closed.increment();
    count(closeReasons, reason);
  }

  void failed(String reason) {
    failed.increment();
    count(failReasons, reason);
  }

  void error(String code) {
    count(errors, code);
  }

  Map<String, Long> closeReasons() {
    return snapshot(closeReasons);
  }

  Map<String, Long> failReasons() {
    return snapshot(failReasons);
  }

  Map<String, Long> errors() {
    return snapshot(errors);
  }

  private static void count(Map<String, LongAdder> map, String reason) {
    String key = reason == null ? "unknown" : reason;
    LongAdder adder = map.get(key);
    if (adder == null) {
      key = map.size() >= MAX_REASONS ? "other" : key;
      adder = map.computeIfAbsent(key, k -> new LongAdder());
    }
    adder.increment();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
    Map<String, Long> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
