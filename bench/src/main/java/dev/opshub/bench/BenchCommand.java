package dev.opshub.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code opshub-bench}: opens N SockJS connections (WebSocket or xhr-streaming) to an event-bus bridge, registers them on one address
 * and reports deliveries/s, latency percentiles, loss, duplicates and batching, like {@code nats bench} for
 * browser-style fan-out. Subcommands: {@code stock-server} (the baseline) and {@code table} (markdown of reports).
 */
@Command(name = "opshub-bench", mixinStandardHelpOptions = true, version = "opshub-bench 0.1.0",
  subcommands = {StockServerCommand.class, IdleFloorCommand.class, TableCommand.class, ReliabilityTableCommand.class},
  description = "SockJS fan-out load client: N connections register on an address; reports deliveries/s, "
    + "latency p50/p90/p99/max, loss, duplicates, messages per frame, server CPU and RSS.")
public final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--url", description = "SockJS endpoint (default: ${DEFAULT-VALUE}).")
  URI url = URI.create(LoadOptions.DEFAULT_URL);

  @Option(names = "--transport", description = "SockJS transport: websocket or xhr-streaming (default: ${DEFAULT-VALUE}).")
  String transport = "websocket";

  @Option(names = "--conns", description = "Connections (default: ${DEFAULT-VALUE}).")
  int conns = LoadOptions.DEFAULT_CONNECTIONS;

  @Option(names = "--address", description = "Address to register on, or a comma list of them (default: ${DEFAULT-VALUE}).")
  String address = LoadOptions.DEFAULT_ADDRESS;

  @Option(names = "--duration", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  int duration = LoadOptions.DEFAULT_DURATION_SECONDS;

  @Option(names = "--warmup", description = "Seconds after connecting before measuring (default: ${DEFAULT-VALUE}).")
  int warmup = LoadOptions.DEFAULT_WARMUP_SECONDS;

  @Option(names = "--threads", description = "Client event loops (default: number of cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--connect-concurrency", description = "Handshakes in flight at once (default: ${DEFAULT-VALUE}).")
  int connectConcurrency = LoadOptions.DEFAULT_CONNECT_CONCURRENCY;

  @Option(names = "--connect-timeout", description = "Bound of the whole connect phase in seconds (default: ${DEFAULT-VALUE}).")
  int connectTimeout = LoadOptions.DEFAULT_CONNECT_TIMEOUT_SECONDS;

  @Option(names = "--conns-per-source", description = "Connections per local source address 127.0.0.x before using the next one (default: ${DEFAULT-VALUE}).")
  int connsPerSource = LoadOptions.DEFAULT_CONNECTIONS_PER_SOURCE;

  @Option(names = "--ping-interval", description = "Bridge ping interval per connection in ms (default: ${DEFAULT-VALUE}).")
  int pingInterval = LoadOptions.DEFAULT_PING_INTERVAL_MS;

  @Option(names = "--stall", description = "Connections that stop reading after warmup (default: ${DEFAULT-VALUE}).")
  int stall;

  @Option(names = "--stall-for", description = "Seconds a stalled connection stops reading before it reconnects with its last epoch/offset (default: ${DEFAULT-VALUE}).")
  int stallFor = LoadOptions.DEFAULT_STALL_FOR_SECONDS;

  @Option(names = "--drain-ms", description = "After a stall, ms to read what was buffered and wait for the server's close before closing itself (default: ${DEFAULT-VALUE}).")
  int drainMs = LoadOptions.DEFAULT_DRAIN_MS;

  @Option(names = "--stall-receive-buffer", description = "SO_RCVBUF bytes of the stalling connections; 0 = kernel autotuning (default: ${DEFAULT-VALUE}).")
  int stallReceiveBuffer;

  @Option(names = "--handshake-timeout", description = "ms for a WebSocket upgrade to be answered before it counts as failed (default: ${DEFAULT-VALUE}).")
  int handshakeTimeout = LoadOptions.DEFAULT_HANDSHAKE_TIMEOUT_MS;

  @Option(names = "--server-pid", description = "Server process to sample (/proc): CPU per 100k deliveries, RSS start/peak/end.")
  long serverPid;

  @Option(names = "--rate", description = "The publisher's msg/s, copied into the report to compare deliveries/s with rate x conns.")
  double rate;

  @Option(names = "--scenario", description = "Scenario name in the report.")
  String scenario = "";

  @Option(names = "--label", description = "Server label in the report (e.g. opshub, stock).")
  String label = "";

  @Option(names = "--json", description = "Also write the report as JSON to this file.")
  Path json;

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LoadOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (stall > 0 && stallFor + drainMs / 1000 + 5 > duration) {
      err.printf("warning: --stall-for %d leaves less than 5 s of the %d s window to reconnect and catch up%n", stallFor, duration);
    }
    long bound = connectTimeout + warmup + duration + 60L;
    LoadReport report;
    try {
      report = LoadRun.run(options, err).toCompletionStage().toCompletableFuture().get(bound, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      err.printf("run did not finish within %d s%n", bound);
      return 2;
    }
    out.print(report.toText());
    out.flush();
    if (json != null) {
      if (json.getParent() != null) Files.createDirectories(json.getParent());
      Files.writeString(json, report.toJson().encodePrettily());
    }
    return report.opened() == 0 ? 3 : 0;
  }

  /** The run's options; a value {@link LoadOptions} refuses is a usage error (exit code 2) naming its flag. */
  LoadOptions options() {
    LoadOptions options = new LoadOptions().setScenario(scenario).setLabel(label).setProgress(!quiet);
    check("--url", () -> options.setUrl(url));
    check("--transport", () -> options.setTransport(transport));
    check("--conns", () -> options.setConnections(conns));
    check("--address", () -> options.setAddress(address));
    check("--duration", () -> options.setDurationSeconds(duration));
    check("--warmup", () -> options.setWarmupSeconds(warmup));
    check("--threads", () -> options.setThreads(threads));
    check("--connect-concurrency", () -> options.setConnectConcurrency(connectConcurrency));
    check("--connect-timeout", () -> options.setConnectTimeoutSeconds(connectTimeout));
    check("--conns-per-source", () -> options.setConnectionsPerSource(connsPerSource));
    check("--ping-interval", () -> options.setPingIntervalMs(pingInterval));
    check("--stall", () -> options.setStall(stall));
    check("--stall-for", () -> options.setStallForSeconds(stallFor));
    check("--drain-ms", () -> options.setDrainMs(drainMs));
    check("--handshake-timeout", () -> options.setHandshakeTimeoutMs(handshakeTimeout));
    check("--stall-receive-buffer", () -> options.setStallReceiveBuffer(stallReceiveBuffer));
    check("--server-pid", () -> options.setServerPid(serverPid));
    check("--rate", () -> options.setExpectedRate(rate));
    return options;
  }

  private void check(String option, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage(), spec.findOption(option), null);
    }
  }
}
