package dev.opshub.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bounded load run: connect (at most connectTimeout), warm up, measure for the duration, report. It owns its
 * own Vert.x instance (one event loop per client thread) and closes it at the end. A daemon thread prints a
 * progress line every second and samples the server's RSS.
 */
public final class LoadRun {

  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

  private final LoadOptions options;
  private final PrintWriter progressOut;
  private final RunState run = new RunState();
  private final ServerProbe probe;
  private final List<ClientLoopVerticle> loops = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private final AtomicLong rssPeakKb = new AtomicLong(-1);
  private volatile double loadMax;
  private Vertx vertx;
  private ScheduledExecutorService reporter;
  private long lastMessages;
  private long lastTickNanos = System.nanoTime();

  private long measureStartNanos;
  private long measureEndNanos;
  /** The publisher's skipped count at the start and end of the measured window. */
  private long skippedAtStart;
  private long skippedAtEnd;
  private ServerProbe.Sample serverStart;
  private ServerProbe.Sample serverEnd;
  private ServerProbe.Heap heapStart;
  private ServerProbe.Heap heapEnd;
  private long clientCpuStartNanos;
  private long clientCpuEndNanos;
  private double loadStart;
  private double loadEnd;

  private LoadRun(LoadOptions options, PrintWriter progressOut) {
    this.options = options;
    this.progressOut = progressOut;
    this.probe = options.serverPid() > 0 ? new ServerProbe(options.serverPid(), ServerProbe.DEFAULT_TICKS_PER_SECOND) : null;
  }

  /**
   * Runs the load and completes with its report. {@code progressOut} gets a line per second (null: none).
   */
  public static Future<LoadReport> run(LoadOptions options, PrintWriter progressOut) {
    return new LoadRun(options, options.progress() ? progressOut : null).start();
  }

  private Future<LoadReport> start() {
    String startedAt = Instant.now().toString();
    vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(options.threads()))
        .withTransport(NativeTransport.best()).build();
    reporter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-progress");
      t.setDaemon(true);
      return t;
    });
    reporter.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    // completed outside of any Vert.x context: the run's own Vert.x is closed before the caller hears of the result
    Promise<LoadReport> result = Promise.promise();
    deployLoops()
      .compose(v -> connectPhase())
      .compose(v -> warmup())
      .compose(v -> measure())
      .compose(v -> finish(startedAt))
      .onComplete(ar -> {
        reporter.shutdownNow();
        vertx.close().onComplete(closed -> result.handle(ar));
      });
    return result.future();
  }

  private Future<Void> deployLoops() {
    int threads = options.threads();
    List<List<Integer>> perLoop = new ArrayList<>();
    for (int i = 0; i < threads; i++) perLoop.add(new ArrayList<>());
    for (int i = 0; i < options.connections(); i++) perLoop.get(i % threads).add(i);
    int limit = Math.max(1, options.connectConcurrency() / threads);
    List<Future<String>> deployments = new ArrayList<>();
    for (List<Integer> indices : perLoop) {
      ClientLoopVerticle loop = new ClientLoopVerticle(options, run, indices, limit);
      loops.add(loop);
      deployments.add(vertx.deployVerticle(loop, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
    }
    return Future.all(deployments).mapEmpty();
  }

  private Future<Void> connectPhase() {
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(options.connectTimeoutSeconds() * 1000L, id -> {
      LOG.warn("connect phase still running after {} s: going on with {} open connections",
        options.connectTimeoutSeconds(), run.open.get());
      done.tryComplete();
    });
    Future.all(loops.stream().map(ClientLoopVerticle::connectAll).toList()).onComplete(ar -> {
      vertx.cancelTimer(timer);
      done.tryComplete();
    });
    return done.future();
  }

  private Future<Void> warmup() {
    run.startWarmup();
    if (run.opened.sum() == 0) {
      LOG.warn("no connection opened ({}): nothing to measure", run.failReasons());
      return Future.succeededFuture();
    }
    return delay(options.warmupSeconds() * 1000L);
  }

  private Future<Void> measure() {
    return heap().compose(h -> {
      heapStart = h;
      return sample();
    }).compose(s -> {
      serverStart = s;
      clientCpuStartNanos = clientCpuNanos();
      loadStart = loadAverage();
      loadMax = loadStart;
      rssPeakKb.set(s == null ? -1 : s.rssKb());
      measureStartNanos = System.nanoTime();
      skippedAtStart = run.publisherSkipped.get();
      run.startMeasuring();
      Future<?> stalled = options.stall() > 0
        ? Future.all(loops.stream().map(ClientLoopVerticle::stall).toList()).onSuccess(all -> {
            int n = 0;
            for (int i = 0; i < all.size(); i++) n += all.<Integer>resultAt(i);
            LOG.info("{} connection(s) stopped reading for {} s", n, options.stallForSeconds());
          })
        : Future.succeededFuture();
      return stalled.compose(v -> delay(run.opened.sum() == 0 ? 0 : options.durationSeconds() * 1000L));
    }).compose(v -> {
      run.stopMeasuring();
      measureEndNanos = System.nanoTime();
      skippedAtEnd = run.publisherSkipped.get();
      clientCpuEndNanos = clientCpuNanos();
      loadEnd = loadAverage();
      return sample();
    }).compose(s -> {
      serverEnd = s;
      if (s != null) rssPeakKb.accumulateAndGet(s.rssKb(), Math::max);
      return heap();
    }).map(h -> {
      heapEnd = h;
      return null;
    });
  }

  private Future<LoadReport> finish(String startedAt) {
    return Future.all(loops.stream().map(ClientLoopVerticle::stallReports).toList()).compose(all -> {
      List<StallReport> stalls = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) stalls.addAll(all.<List<StallReport>>resultAt(i));
      LoadReport report = report(startedAt, stalls);
      return Future.all(loops.stream().map(ClientLoopVerticle::shutdown).toList()).map(report);
    });
  }

  private LoadReport report(String startedAt, List<StallReport> stalls) {
    double seconds = (measureEndNanos - measureStartNanos) / 1e9;
    long deliveries = run.measuredMessages.sum();
    Histogram latency = run.measured();
    LoadReport.Server server = null;
    if (probe != null && serverStart != null && serverEnd != null) {
      double cpu = probe.cpuSeconds(serverEnd.cpuTicks() - serverStart.cpuTicks());
      double kernel = probe.cpuSeconds(serverEnd.systemTicks() - serverStart.systemTicks());
      server = new LoadReport.Server(probe.pid(), round(cpu), round(kernel), deliveries == 0 ? 0 : round(cpu / deliveries * 100_000),
        serverStart.rssKb(), rssPeakKb.get(), serverEnd.rssKb(),
        heapStart == null ? -1 : heapStart.usedKb(), heapEnd == null ? -1 : heapEnd.usedKb(),
        heapStart == null ? -1 : heapStart.oldUsedKb(), heapEnd == null ? -1 : heapEnd.oldUsedKb());
    }
    return new LoadReport(options.scenario(), options.label(), options.url().toString(), options.address(),
      options.connections(), options.expectedRate(), options.warmupSeconds(), seconds, run.opened.sum(), run.failed.sum(),
      run.closed.sum(), run.closeReasons(), run.failReasons(), run.errors(), deliveries, run.measuredFrames.sum(),
      seconds <= 0 ? 0 : deliveries / seconds, LoadReport.Latency.of(latency), run.lost.sum(), run.duplicates.sum(),
      skippedAtEnd - skippedAtStart, server, (clientCpuEndNanos - clientCpuStartNanos) / 1e9,
      new LoadReport.Load(loadStart, loadEnd, loadMax, Runtime.getRuntime().availableProcessors()), stalls, startedAt);
  }

  /** Every second, on the reporter thread: progress line, latency interval, server RSS peak. */
  private void tick() {
    try {
      long now = System.nanoTime();
      long messages = run.messages.sum();
      double rate = (messages - lastMessages) / ((now - lastTickNanos) / 1e9);
      lastMessages = messages;
      lastTickNanos = now;
      Histogram last = run.tick();
      String rss = "";
      if (probe != null) {
        ServerProbe.Sample s = probe.sample();
        if (s != null) {
          if (run.measuring()) rssPeakKb.accumulateAndGet(s.rssKb(), Math::max);
          rss = String.format(Locale.ROOT, "  server rss %d MB", s.rssKb() / 1024);
        }
      }
      double load = loadAverage();
      if (run.measuring()) loadMax = Math.max(loadMax, load);
      if (progressOut != null) {
        progressOut.printf(Locale.ROOT, "[%4ds] %-10s open %d/%d  msgs/s %,.0f  p50 %.1f p99 %.1f max %.1f ms  lost %d dup %d  closed %d failed %d%s  load %.2f%n",
          (now - startNanos) / 1_000_000_000L, run.phase().name().toLowerCase(Locale.ROOT), run.open.get(),
          options.connections(), rate, last.getValueAtPercentile(50) / 1000.0, last.getValueAtPercentile(99) / 1000.0,
          last.getMaxValue() / 1000.0, run.lost.sum(), run.duplicates.sum(), run.closed.sum(), run.failed.sum(), rss, load);
        progressOut.flush();
      }
    } catch (RuntimeException e) {
      LOG.warn("progress tick failed", e);
    }
  }

  private Future<ServerProbe.Sample> sample() {
    if (probe == null) return Future.succeededFuture();
    return vertx.executeBlocking(probe::sample);
  }

  private Future<ServerProbe.Heap> heap() {
    if (probe == null) return Future.succeededFuture();
    return vertx.executeBlocking(probe::heap);
  }

  private Future<Void> delay(long ms) {
    if (ms <= 0) return Future.succeededFuture();
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, id -> promise.complete());
    return promise.future();
  }

  private static long clientCpuNanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
    return 0;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
