package dev.opshub.hub;

import dev.opshub.engine.BenchPublisher;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar opshub.jar [options]}: starts one opshub node. Every option can also come from the environment
 * ({@code OPSHUB_<NAME>}, e.g. {@code OPSHUB_HTTP_PORT}) or from the JSON file given with {@code --config}
 * (same names, kebab-case or camelCase, plus {@code "bridge"} and {@code "allowedOrigins"}); a flag beats the
 * environment, which beats the file, which beats the built-in default.
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
        "OPSHUB_OPERATOR_TOKEN=...) or in the --config JSON file with the same names, e.g.",
        "  {\"roles\":\"web\",\"cluster\":true,\"http-port\":8082,\"bridge\":{...},\"allowedOrigins\":[\"https://ops.example\"]}",
        "Precedence: command-line flag, then environment, then config file, then the default shown.",
        "Exit codes: 0 clean stop, 1 start failure, 2 invalid options."})
public final class OpshubCommand implements Callable<Integer> {

  /** Exit code of invalid options. */
  public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
  /** Exit code when the node could not start. */
  public static final int EXIT_START_FAILED = 1;
  /** Bound on a graceful stop. */
  public static final long STOP_TIMEOUT_MS = 10_000;

  static final String ENV_PREFIX = "OPSHUB_";
  static final String CONFIG_OPTION = "--config";

  private static final Logger LOG = LoggerFactory.getLogger(OpshubCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--roles", paramLabel = "LIST", defaultValue = "agents,engine,web",
      description = "Roles this node runs: a comma list of agents, engine, web. Default: ${DEFAULT-VALUE}.")
  String roles;

  @Option(names = "--cluster", defaultValue = "false", fallbackValue = "true", arity = "0..1", paramLabel = "BOOL",
      description = "Join the Hazelcast cluster (cluster.xml). Default: ${DEFAULT-VALUE}.")
  boolean cluster;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "HTTP port of the web role (dashboards, REST, /eventbus, /health, /metrics). Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "0.0.0.0",
      description = "Address the HTTP server binds. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--cluster-members", paramLabel = "LIST",
      description = "Cluster members to join by TCP-IP, a comma list of host or host:port (overrides cluster.xml; "
          + "default there: 127.0.0.1).")
  String clusterMembers;

  @Option(names = "--cluster-interface", paramLabel = "ADDR",
      description = "Address this node binds and announces to the cluster (overrides cluster.xml; default there: 127.0.0.1).")
  String clusterInterface;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "First Hazelcast port tried, auto-incremented when taken (overrides cluster.xml; default there: 5701).")
  Integer clusterPort;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "Cluster name: only members with the same name join (overrides cluster.xml; default there: opshub).")
  String clusterName;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "Hazelcast XML config. Default: ./cluster.xml when present, else the cluster.xml bundled in the jar.")
  Path clusterConfig;

  @Option(names = "--operator-token", paramLabel = "TOKEN",
      description = "Token operators need for drill controls (also env OPSHUB_OPERATOR_TOKEN). "
          + "Default: a random one, printed at start.")
  String operatorToken;

  @Option(names = CONFIG_OPTION, paramLabel = "FILE",
      description = "JSON file with any of these options (same names), plus \"bridge\" (bridge options) and "
          + "\"allowedOrigins\". Flags and environment win over it.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data",
      description = "Where after-action reports are written. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--auto-drills", defaultValue = "false", fallbackValue = "true", arity = "0..1", paramLabel = "BOOL",
      description = "Keep drills running one after another (a lively demo). Default: ${DEFAULT-VALUE}.")
  boolean autoDrills;

  @Option(names = "--allowed-origins", paramLabel = "LIST",
      description = "Origins allowed to open the bridge (/eventbus), a comma list. Default: the web role's own "
          + "(same origin).")
  String allowedOrigins;

  @Option(names = "--nodes", paramLabel = "LIST",
      description = "Base URLs of the web nodes a dashboard may fail over to, a comma list "
          + "(e.g. http://10.0.0.5:8080,http://10.0.0.6:8080). Default: only this node.")
  String nodes;

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

  /** The config file's content (empty without --config), set before parsing. */
  private JsonObject file = new JsonObject();

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
    OpshubCommand command = new OpshubCommand();
    CommandLine line = commandLine(command, env);
    if (err != null) {
      line.setErr(err);
    }
    try {
      command.file = loadConfigFile(findConfigPath(env, args));
    } catch (IllegalArgumentException e) {
      line.getErr().println(line.getColorScheme().errorText("opshub: " + e.getMessage()));
      line.getErr().println("Try 'opshub --help' for the options.");
      return EXIT_USAGE;
    }
    return line.execute(args);
  }

  /** A command line for {@code command} taking defaults from {@code env} and its config file. */
  static CommandLine commandLine(OpshubCommand command, Map<String, String> env) {
    CommandLine line = new CommandLine(command);
    line.setDefaultValueProvider(new Defaults(command, env));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println(e.getCommandLine().getColorScheme().errorText("opshub: " + e.getMessage()));
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Try 'opshub --help' for the options.");
      return EXIT_USAGE;
    });
    return line;
  }

  /** Parses {@code args} only (nothing starts), with {@code file} as the config file's content. */
  static OpshubCommand parse(Map<String, String> env, JsonObject file, String... args) {
    OpshubCommand command = new OpshubCommand();
    command.file = file;
    commandLine(command, env).parseArgs(args);
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

  /** The validated settings; throws {@link ParameterException} (exit code 2) on invalid input. */
  NodeSettings settings() {
    Set<Role> roleSet = EnumSet.noneOf(Role.class);
    for (String role : roles.split(",")) {
      if (role.isBlank()) {
        continue;
      }
      try {
        roleSet.add(Role.fromWire(role));
      } catch (IllegalArgumentException e) {
        throw usage("--roles: " + e.getMessage());
      }
    }
    if (roleSet.isEmpty()) {
      throw usage("--roles: at least one of agents, engine, web is needed");
    }
    checkPort("--http-port", httpPort);
    if (clusterPort != null) {
      checkPort("--cluster-port", clusterPort);
    }
    if (host == null || host.isBlank()) {
      throw usage("--host must not be empty");
    }
    List<String> members = new ArrayList<>();
    if (clusterMembers != null) {
      for (String member : clusterMembers.split(",")) {
        String m = member.trim();
        if (m.isEmpty()) {
          continue;
        }
        int colon = m.lastIndexOf(':');
        if (colon > 0 && m.indexOf(':') == colon) {
          try {
            checkPort("--cluster-members port", Integer.parseInt(m.substring(colon + 1)));
          } catch (NumberFormatException e) {
            throw usage("--cluster-members: '" + m + "' is not host or host:port");
          }
        }
        members.add(m);
      }
    }
    if (clusterName != null && clusterName.isBlank()) {
      throw usage("--cluster-name must not be empty");
    }
    Path clusterXml = clusterConfig;
    if (clusterXml != null && !Files.isReadable(clusterXml)) {
      throw usage("--cluster-config: cannot read " + clusterXml);
    }
    if (clusterXml == null && Files.isReadable(Paths.get("cluster.xml"))) {
      clusterXml = Paths.get("cluster.xml");
    }
    if (benchRate < 0 || benchRate > BenchPublisher.MAX_RATE) {
      throw usage("--bench-rate must be 0.." + BenchPublisher.MAX_RATE + ", not " + benchRate);
    }
    if (benchPayload < 0 || benchPayload > BenchPublisher.MAX_PAYLOAD) {
      throw usage("--bench-payload must be 0.." + BenchPublisher.MAX_PAYLOAD + ", not " + benchPayload);
    }
    if (webInstances < 0 || webInstances > 256) {
      throw usage("--web-instances must be 0..256, not " + webInstances);
    }
    boolean generated = operatorToken == null || operatorToken.isBlank();
    String token = generated ? randomToken() : operatorToken.trim();
    JsonObject bridge = file.getValue("bridge") instanceof JsonObject b ? b.copy() : new JsonObject();
    JsonArray origins = new JsonArray();
    if (allowedOrigins != null) {
      for (String origin : allowedOrigins.split(",")) {
        if (!origin.isBlank()) {
          origins.add(origin.trim());
        }
      }
    }
    List<String> nodeUrls = new ArrayList<>();
    if (nodes != null) {
      for (String url : nodes.split(",")) {
        String u = url.trim();
        if (u.isEmpty()) {
          continue;
        }
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
          throw usage("--nodes: '" + u + "' is not an http:// or https:// URL");
        }
        nodeUrls.add(u);
      }
    }
    return new NodeSettings(roleSet, cluster, httpPort, host.trim(), members,
        blankToNull(clusterInterface), clusterPort, blankToNull(clusterName), clusterXml, token, generated,
        dataDir, autoDrills, benchRate, benchPayload, bridge, origins, nodeUrls, webInstances, transport);
  }

  private void installShutdownHook(OpshubNode node) {
    Thread hook = new Thread(() -> {
      LOG.info("shutdown requested (SIGTERM/SIGINT): stopping opshub node {}", node.nodeId());
      boolean clean;
      try {
        node.stop("node_shutdown").toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        clean = true;
        LOG.info("opshub node {} stopped cleanly", node.nodeId());
      } catch (Exception e) {
        clean = false;
        LOG.warn("opshub node {} did not stop cleanly within {} ms: {}", node.nodeId(), STOP_TIMEOUT_MS, e.toString());
      }
      if (clean) {
        // a clean stop on a signal exits 0 (the JVM's default would be 128+signal); nothing else is left to run
        HubSystemProperties.flushLogs();
        Runtime.getRuntime().halt(0);
      }
    }, "opshub-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private void checkPort(String option, int port) {
    if (port < 1 || port > 65_535) {
      throw usage(option + " must be 1..65535, not " + port);
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

  /** {@code --config FILE} / {@code --config=FILE} from args, else env {@code OPSHUB_CONFIG}, else null. */
  static Path findConfigPath(Map<String, String> env, String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--config needs a FILE");
        }
        return Paths.get(args[i + 1]);
      }
      if (args[i].startsWith(CONFIG_OPTION + "=")) {
        return Paths.get(args[i].substring(CONFIG_OPTION.length() + 1));
      }
    }
    String fromEnv = env.get(ENV_PREFIX + "CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? null : Paths.get(fromEnv);
  }

  /** Reads and checks the config file: a JSON object whose keys are known options, "bridge" or "allowedOrigins". */
  static JsonObject loadConfigFile(Path path) {
    if (path == null) {
      return new JsonObject();
    }
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("--config: cannot read " + path + " (" + e.getMessage() + ")");
    } catch (DecodeException e) {
      throw new IllegalArgumentException("--config: " + path + " is not a JSON object (" + e.getMessage() + ")");
    }
    CommandSpec spec = CommandSpec.forAnnotatedObject(new OpshubCommand());
    for (String key : json.fieldNames()) {
      String kebab = kebab(key);
      if (kebab.equals("bridge")) {
        if (!(json.getValue(key) instanceof JsonObject)) {
          throw new IllegalArgumentException("--config: \"bridge\" must be a JSON object");
        }
        continue;
      }
      OptionSpec option = spec.findOption("--" + kebab);
      if (option == null || kebab.equals("config") || kebab.equals("help") || kebab.equals("version")) {
        throw new IllegalArgumentException("--config: unknown option \"" + key + "\" in " + path);
      }
    }
    return json;
  }

  /** {@code httpPort} or {@code http-port} to {@code http-port}. */
  static String kebab(String name) {
    StringBuilder out = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c == '_' ? '-' : c);
      }
    }
    return out.toString();
  }

  /** Defaults from the environment ({@code OPSHUB_HTTP_PORT}), then the config file ({@code http-port}/{@code httpPort}). */
  private record Defaults(OpshubCommand command, Map<String, String> env) implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec arg) {
      if (!(arg instanceof OptionSpec option)) {
        return null;
      }
      String name = option.longestName().replaceFirst("^--", "");
      if (name.equals("help") || name.equals("version") || name.equals("config")) {
        return null;
      }
      String fromEnv = env.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (fromEnv != null && !fromEnv.isBlank()) {
        return fromEnv;
      }
      for (String key : command.file.fieldNames()) {
        if (kebab(key).equals(name)) {
          Object value = command.file.getValue(key);
          if (value instanceof JsonArray array) {
            List<String> items = new ArrayList<>();
            array.forEach(item -> items.add(String.valueOf(item)));
            return String.join(",", items);
          }
          return value == null ? null : String.valueOf(value);
        }
      }
      return null;
    }
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
