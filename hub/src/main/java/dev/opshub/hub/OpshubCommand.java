package dev.opshub.hub;

import dev.opshub.engine.BenchPublisher;
import dev.opshub.hub.OptionConverters.BadValue;
import dev.opshub.hub.OptionConverters.ClusterMemberConverter;
import dev.opshub.hub.OptionConverters.NodeUrlConverter;
import dev.opshub.hub.OptionConverters.RoleConverter;
import dev.opshub.hub.OptionConverters.TrimmedConverter;
import dev.opshub.web.WebOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar opshub.jar [options]}: starts one opshub node. Every option can also come from the environment
 * ({@code OPSHUB_<NAME>}, e.g. {@code OPSHUB_HTTP_PORT}) or from the JSON file given with {@code --config}
 * (same names, kebab-case or camelCase, lists also as arrays, plus {@code "bridge"}); a flag beats the environment,
 * which beats the file, which beats the built-in default ({@link ConfigDefaults}).
 *
 * <p>Exit codes: 0 after a clean stop, 1 when the node could not start, 2 on invalid options.
 */
@Command(name = "opshub", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
    versionProvider = OpshubCommand.Version.class,
    description = {
        "Runs one opshub node: a Vert.x event-bus hub for incident drills, with any of the roles agents, engine and web.",
        "Without --cluster the node runs alone; with it, it joins the Hazelcast cluster described by cluster.xml.",
        ""},
    footer = {
        "",
        "Every option can also be set in the environment as OPSHUB_<NAME> (OPSHUB_HTTP_PORT=8081, OPSHUB_CLUSTER=true,",
        "OPSHUB_ROLES=agents,engine) or in the --config JSON file with the same names, kebab-case or camelCase, lists",
        "as a comma string or a JSON array, plus \"bridge\" for the bridge options (docs/BRIDGE.md), e.g.",
        "  {\"roles\":[\"web\"],\"cluster\":true,\"http-port\":8082,\"allowedOrigins\":[\"https://ops.example\"],\"bridge\":{...}}",
        "A name the file does not know is refused. Precedence: command-line flag, then environment, then config file,",
        "then the default shown.",
        "Exit codes: 0 clean stop, 1 start failure, 2 invalid options."})
public final class OpshubCommand implements Callable<Integer> {

  /** Exit code of invalid options. */
  public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
  /** Exit code when the node could not start. */
  public static final int EXIT_START_FAILED = 1;
  /** Bound on a graceful stop after the drain ({@code --drain-ms}). */
  public static final long STOP_TIMEOUT_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(OpshubCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--roles", paramLabel = "ROLE", split = ",", converter = RoleConverter.class,
      defaultValue = "agents,engine,web",
      description = "Roles this node runs: any of agents, engine, web. Default: ${DEFAULT-VALUE}.")
  List<Role> roles;

  @Option(names = "--cluster", defaultValue = "false", fallbackValue = "true", arity = "0..1", paramLabel = "BOOL",
      description = "Join the Hazelcast cluster (cluster.xml). Default: ${DEFAULT-VALUE}.")
  boolean cluster;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "HTTP port: the web role's dashboards, REST and /eventbus; /health, /ready, /metrics on every "
          + "node. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "0.0.0.0",
      description = "Address the HTTP server binds. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--cluster-members", paramLabel = "MEMBER", split = ",", converter = ClusterMemberConverter.class,
      description = "Cluster members to join by TCP-IP, a comma list of host or host:port, or dns:NAME alone to find "
          + "them by DNS (every address of NAME, e.g. a Kubernetes headless service); overrides cluster.xml "
          + "(default there: 127.0.0.1).")
  List<String> clusterMembers;

  @Option(names = "--cluster-interface", paramLabel = "ADDR",
      description = "Address this node binds and announces to the cluster (overrides cluster.xml; default there: 127.0.0.1).")
  String clusterInterface;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "First Hazelcast port tried, auto-incremented when taken (overrides cluster.xml; default there: 5701).")
  Integer clusterPort;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "Cluster name: only members with the same name join (overrides cluster.xml; default there: opshub).")
  String clusterName;

  @Option(names = "--cluster-quorum", paramLabel = "N",
      description = "Members a side of the cluster must see for its engine to act and for the opshub maps to take "
          + "writes (Hazelcast split-brain protection); count every member, whatever its roles, and pick more than "
          + "half the cluster. Default: none (any side acts; the embedded single node).")
  Integer clusterQuorum;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "Hazelcast XML config. Default: ./cluster.xml when present, else the cluster.xml bundled in the jar.")
  Path clusterConfig;

  @Option(names = "--operator-token", paramLabel = "TOKEN",
      description = "Token operators need for drill controls (also env OPSHUB_OPERATOR_TOKEN). "
          + "Default: a random one, printed at start.")
  String operatorToken;

  @Option(names = ConfigDefaults.CONFIG_OPTION, paramLabel = "FILE",
      description = "JSON file with any of these options (same names), plus \"bridge\" (bridge options). "
          + "Flags and environment win over it. Also env OPSHUB_CONFIG.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data",
      description = "Where after-action reports are written. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--auto-drills", defaultValue = "false", fallbackValue = "true", arity = "0..1", paramLabel = "BOOL",
      description = "Keep drills running one after another (a lively demo). Default: ${DEFAULT-VALUE}.")
  boolean autoDrills;

  @Option(names = "--allowed-origins", paramLabel = "ORIGIN", split = ",", converter = TrimmedConverter.class,
      description = "Origins allowed to open the bridge (/eventbus), a comma list. Default: the web role's own "
          + "(same origin).")
  List<String> allowedOrigins;

  @Option(names = "--nodes", paramLabel = "URL", split = ",", converter = NodeUrlConverter.class,
      description = "Base URLs (http:// or https://) of the web nodes a dashboard may fail over to, a comma list "
          + "(e.g. http://10.0.0.5:8080,http://10.0.0.6:8080). Default: only this node.")
  List<String> nodes;

  @Option(names = "--drain-ms", paramLabel = "MS", defaultValue = "0",
      description = "On SIGTERM a web node answers /ready 503 draining for MS ms, still serving, before it tells its "
          + "bridge clients to reconnect elsewhere: behind a load balancer its check interval times the failures it "
          + "needs to mark a node down, plus a margin (docs/DEPLOY.md). Default: ${DEFAULT-VALUE} (no balancer).")
  long drainMs;

  @Option(names = "--bench-rate", paramLabel = "R", defaultValue = "0",
      description = "The active engine publishes R messages/s on ops.bench (0 = off). Default: ${DEFAULT-VALUE}.")
  int benchRate;

  @Option(names = "--web-instances", paramLabel = "N", defaultValue = "0",
      description = "HTTP server instances of the web role, each on its own event loop (bridge connections spread "
          + "over them; one bridge table per node). 0 = one per available processor. Default: ${DEFAULT-VALUE}.")
  int webInstances;

  @Option(names = "--transport", paramLabel = "T", defaultValue = "auto",
      description = "Network transport of the event loops: auto (Linux native epoll when it loads, else NIO), nio, "
          + "epoll or io_uring (an explicit choice fails the start when unavailable). Default: ${DEFAULT-VALUE}.")
  NetTransport transport;

  @Option(names = "--bench-payload", paramLabel = "B", defaultValue = "200",
      description = "Pad bytes per ops.bench message. Default: ${DEFAULT-VALUE}.")
  int benchPayload;

  /** Defaults from the environment and the config file; set with the command line. */
  private ConfigDefaults defaults;

  /** Runs the command; exits the JVM only when the node is not left running. */
  public static void main(String[] args) {
    HubSystemProperties.apply();
    int code = execute(System.getenv(), null, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Parses and runs; returns the exit code (0 also when the node was started and keeps running).
   *
   * @param err where usage errors go, or null for standard error
   */
  static int execute(Map<String, String> env, PrintWriter err, String... args) {
    ConfigDefaults defaults;
    try {
      defaults = ConfigDefaults.from(env, args);
    } catch (IllegalArgumentException e) {
      CommandLine line = new CommandLine(new OpshubCommand());
      if (err != null) {
        line.setErr(err);
      }
      return printUsageError(line, e.getMessage(), null);
    }
    CommandLine line = commandLine(new OpshubCommand(), defaults);
    if (err != null) {
      line.setErr(err);
    }
    return line.execute(args);
  }

  /** A command line for {@code command} taking the defaults of options not given as flags from {@code defaults}. */
  static CommandLine commandLine(OpshubCommand command, ConfigDefaults defaults) {
    command.defaults = defaults;
    CommandLine line = new CommandLine(command);
    line.setDefaultValueProvider(defaults);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler((e, args) -> printUsageError(e.getCommandLine(), describe(e, defaults), e));
    return line;
  }

  /** Parses {@code args} only (nothing starts), with {@code file} as the config file's content. */
  static OpshubCommand parse(Map<String, String> env, JsonObject file, String... args) {
    OpshubCommand command = new OpshubCommand();
    commandLine(command, new ConfigDefaults(env, file)).parseArgs(args);
    return command;
  }

  @Override
  public Integer call() {
    NodeSettings settings = settings();
    OpshubNode node;
    try {
      node = OpshubNode.start(settings).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_START_FAILED;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.error("opshub could not start: {}", cause.getMessage());
      LOG.debug("start failure", cause);
      return EXIT_START_FAILED;
    }
    installShutdownHook(node);
    return 0;
  }

  /**
   * The validated settings; throws {@link ParameterException} (exit code 2) on invalid input. List items were
   * checked by their converters; what is checked here are ranges and what needs more than one value.
   */
  NodeSettings settings() {
    Set<Role> roleSet = EnumSet.noneOf(Role.class);
    roleSet.addAll(OptionConverters.present(roles));
    if (roleSet.isEmpty()) {
      throw usage("--roles", "--roles: at least one of agents, engine, web is needed");
    }
    checkPort("--http-port", httpPort);
    if (clusterPort != null) {
      checkPort("--cluster-port", clusterPort);
    }
    if (host == null || host.isBlank()) {
      throw usage("--host", "--host must not be empty");
    }
    if (clusterName != null && clusterName.isBlank()) {
      throw usage("--cluster-name", "--cluster-name must not be empty");
    }
    List<String> members = OptionConverters.present(clusterMembers);
    if (members.size() > 1 && members.stream().anyMatch(m -> m.startsWith(ClusterConfig.DNS_PREFIX))) {
      throw usage("--cluster-members", "--cluster-members: dns:NAME is given alone (it finds every member)");
    }
    if (clusterQuorum != null) {
      checkRange("--cluster-quorum", clusterQuorum, ClusterConfig.MIN_QUORUM, ClusterConfig.MAX_QUORUM);
      if (!cluster) {
        throw usage("--cluster-quorum", "--cluster-quorum needs --cluster (a node alone has no quorum to keep)");
      }
    }
    Path clusterXml = clusterConfig;
    if (clusterXml != null && !Files.isReadable(clusterXml)) {
      throw usage("--cluster-config", "--cluster-config: cannot read " + clusterXml);
    }
    if (clusterXml == null && Files.isReadable(Paths.get("cluster.xml"))) {
      clusterXml = Paths.get("cluster.xml");
    }
    checkRange("--bench-rate", benchRate, 0, BenchPublisher.MAX_RATE);
    checkRange("--bench-payload", benchPayload, 0, BenchPublisher.MAX_PAYLOAD);
    checkRange("--web-instances", webInstances, 0, 256);
    if (drainMs < 0 || drainMs > WebOptions.MAX_DRAIN_MS) {
      throw usage("--drain-ms", "--drain-ms must be 0.." + WebOptions.MAX_DRAIN_MS + ", not " + drainMs);
    }
    boolean generated = operatorToken == null || operatorToken.isBlank();
    String token = generated ? randomToken() : operatorToken.trim();
    return new NodeSettings(roleSet, cluster, httpPort, host.trim(), OptionConverters.present(clusterMembers),
        blankToNull(clusterInterface), clusterPort, blankToNull(clusterName), clusterXml, token, generated,
        dataDir, autoDrills, benchRate, benchPayload, defaults.bridge(),
        new JsonArray(new ArrayList<>(OptionConverters.present(allowedOrigins))), OptionConverters.present(nodes),
        webInstances, transport, clusterQuorum, drainMs);
  }

  private void installShutdownHook(OpshubNode node) {
    long timeout = node.drainMs() + STOP_TIMEOUT_MS;
    Thread hook = new Thread(() -> {
      LOG.info("shutdown requested (SIGTERM/SIGINT): stopping opshub node {}", node.nodeId());
      boolean clean;
      try {
        node.stop("node_shutdown").toCompletionStage().toCompletableFuture().get(timeout, TimeUnit.MILLISECONDS);
        clean = true;
        LOG.info("opshub node {} stopped cleanly", node.nodeId());
      } catch (Exception e) {
        clean = false;
        LOG.warn("opshub node {} did not stop cleanly within {} ms: {}", node.nodeId(), timeout, e.toString());
      }
      if (clean) {
        // a clean stop on a signal exits 0 (the JVM's default would be 128+signal); nothing else is left to run
        HubSystemProperties.flushLogs();
        Runtime.getRuntime().halt(0);
      }
    }, "opshub-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The message of a usage error: a value our converters refused is reported as {@code --option: what is wrong};
   * a value that came from the environment or the config file says so.
   */
  static String describe(ParameterException e, ConfigDefaults defaults) {
    if (!(e.getArgSpec() instanceof OptionSpec option)) {
      return e.getMessage();
    }
    String message = e.getCause() instanceof BadValue bad ? option.longestName() + ": " + bad.getMessage() : e.getMessage();
    return defaults.origin(option).map(origin -> message + " (from " + origin + ")").orElse(message);
  }

  private static int printUsageError(CommandLine line, String message, ParameterException cause) {
    PrintWriter err = line.getErr();
    err.println(line.getColorScheme().errorText("opshub: " + message));
    if (cause != null) {
      CommandLine.UnmatchedArgumentException.printSuggestions(cause, err);
    }
    err.println("Try 'opshub --help' for the options.");
    return EXIT_USAGE;
  }

  private ParameterException usage(String option, String message) {
    return new ParameterException(spec.commandLine(), message, spec.findOption(option), null);
  }

  private void checkPort(String option, int port) {
    if (port < 1 || port > 65_535) {
      throw usage(option, option + " must be 1..65535, not " + port);
    }
  }

  private void checkRange(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw usage(option, option + " must be " + min + ".." + max + ", not " + value);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static String randomToken() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = OpshubCommand.class.getPackage().getImplementationVersion();
      return new String[] {"opshub " + (version == null ? "(development build)" : version)};
    }
  }
}
