package dev.opshub.hub;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpshubCommandTest {

  private static NodeSettings settings(Map<String, String> env, JsonObject file, String... args) {
    return OpshubCommand.parse(env, file, args).settings();
  }

  @Test
  void defaultsRunEveryRoleAloneOn8080WithAGeneratedToken() {
    NodeSettings s = settings(Map.of(), new JsonObject());
    assertThat(s.roles()).containsExactlyInAnyOrder(Role.AGENTS, Role.ENGINE, Role.WEB);
    assertThat(s.roleNames()).containsExactly("agents", "engine", "web");
    assertThat(s.clustered()).isFalse();
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.host()).isEqualTo("0.0.0.0");
    assertThat(s.tokenGenerated()).isTrue();
    assertThat(s.operatorToken()).hasSize(32);
    assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(s.benchRate()).isZero();
    assertThat(s.benchPayload()).isEqualTo(200);
    assertThat(s.transport()).isEqualTo(NetTransport.AUTO);
    assertThat(s.clusterMembers()).isEmpty();
    assertThat(s.clusterPort()).isNull();
  }

  @Test
  void flagsAreParsed() {
    NodeSettings s = settings(Map.of(), new JsonObject(), "--roles", "web, engine", "--cluster", "--http-port", "8082",
        "--cluster-members", "10.0.0.5,10.0.0.6:5702", "--cluster-interface", "10.0.0.4", "--cluster-port", "5801",
        "--cluster-name", "drills", "--operator-token", "s3cret", "--auto-drills", "--bench-rate", "100000",
        "--bench-payload", "16", "--allowed-origins", "https://a.example, https://b.example",
        "--nodes", "http://10.0.0.5:8080,https://ops.example", "--transport", "NIO");
    assertThat(s.transport()).isEqualTo(NetTransport.NIO);
    assertThat(settings(Map.of("OPSHUB_TRANSPORT", "io_uring"), new JsonObject()).transport()).isEqualTo(NetTransport.IO_URING);
    assertThat(s.roles()).isEqualTo(Set.of(Role.WEB, Role.ENGINE));
    assertThat(s.roleNames()).containsExactly("engine", "web");
    assertThat(s.clustered()).isTrue();
    assertThat(s.httpPort()).isEqualTo(8082);
    assertThat(s.clusterMembers()).containsExactly("10.0.0.5", "10.0.0.6:5702");
    assertThat(s.clusterInterface()).isEqualTo("10.0.0.4");
    assertThat(s.clusterPort()).isEqualTo(5801);
    assertThat(s.clusterName()).isEqualTo("drills");
    assertThat(s.operatorToken()).isEqualTo("s3cret");
    assertThat(s.tokenGenerated()).isFalse();
    assertThat(s.autoDrills()).isTrue();
    assertThat(s.benchRate()).isEqualTo(100_000);
    assertThat(s.benchPayload()).isEqualTo(16);
    assertThat(s.allowedOrigins().getList()).containsExactly("https://a.example", "https://b.example");
    assertThat(s.nodes()).containsExactly("http://10.0.0.5:8080", "https://ops.example");
  }

  @Test
  void flagBeatsEnvironmentWhichBeatsConfigFile() {
    JsonObject file = new JsonObject().put("http-port", 9001).put("roles", "web").put("clusterName", "from-file")
        .put("cluster", true).put("bridge", new JsonObject().put("maxMessagesPerFrame", 5));
    Map<String, String> env = Map.of("OPSHUB_HTTP_PORT", "9002", "OPSHUB_OPERATOR_TOKEN", "env-token");
    NodeSettings fromEnv = settings(env, file);
    assertThat(fromEnv.httpPort()).isEqualTo(9002);
    assertThat(fromEnv.operatorToken()).isEqualTo("env-token");
    assertThat(fromEnv.roleNames()).containsExactly("web");
    assertThat(fromEnv.clusterName()).isEqualTo("from-file");
    assertThat(fromEnv.clustered()).isTrue();
    assertThat(fromEnv.bridge().getInteger("maxMessagesPerFrame")).isEqualTo(5);
    NodeSettings fromFlag = settings(env, file, "--http-port", "9003");
    assertThat(fromFlag.httpPort()).isEqualTo(9003);
  }

  @Test
  void configFileIsCheckedForUnknownOptionsAndBadJson(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.json");
    Files.writeString(good, "{\"roles\":\"agents,engine\",\"httpPort\":8181,\"allowedOrigins\":[\"https://x\"]}");
    assertThat(ConfigDefaults.load(good).getInteger("httpPort")).isEqualTo(8181);
    NodeSettings s = settings(Map.of(), ConfigDefaults.load(good));
    assertThat(s.allowedOrigins().getList()).containsExactly("https://x");
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "{\"http-prot\":8181}");
    assertThatThrownBy(() -> ConfigDefaults.load(unknown)).hasMessageContaining("unknown option \"http-prot\"");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{not json");
    assertThatThrownBy(() -> ConfigDefaults.load(bad)).hasMessageContaining("not a JSON object");
    assertThat(ConfigDefaults.findConfigPath(Map.of(), "--http-port", "1", "--config", "x.json")).isEqualTo(Path.of("x.json"));
    assertThat(ConfigDefaults.findConfigPath(Map.of("OPSHUB_CONFIG", "y.json"))).isEqualTo(Path.of("y.json"));
  }

  @Test
  void invalidOptionsExitWithCode2AndAClearMessage() {
    assertUsageError("unknown role 'cache'", "--roles", "web,cache");
    assertUsageError("--http-port must be 1..65535", "--http-port", "70000");
    assertUsageError("--cluster-port must be 1..65535", "--cluster-port", "0");
    assertUsageError("Invalid value for option '--http-port'", "--http-port", "eighty");
    assertUsageError("--bench-rate must be", "--bench-rate", "-1");
    assertUsageError("Unknown option: '--frobnicate'", "--frobnicate");
    assertUsageError("not host, host:port or dns:NAME", "--cluster-members", "a:b:c:x,h:port");
    assertUsageError("--roles: at least one", "--roles", ",");
    assertUsageError("--nodes: 'ftp://x' is not", "--nodes", "ftp://x");
    assertUsageError("Invalid value for option '--transport'", "--transport", "dpdk");
  }

  @Test
  void drainMsComesFromTheFlagOrTheEnvironmentIsBoundedAndReachesTheWebRole() {
    assertThat(settings(Map.of(), new JsonObject()).drainMs()).as("default: no drain").isZero();
    assertThat(settings(Map.of("OPSHUB_DRAIN_MS", "3000"), new JsonObject()).drainMs()).isEqualTo(3_000);
    NodeSettings s = settings(Map.of("OPSHUB_DRAIN_MS", "3000"), new JsonObject(), "--drain-ms", "4500");
    assertThat(s.drainMs()).isEqualTo(4_500);
    assertThat(OpshubNode.webConfig(s, "n-1").getLong("drainMs")).isEqualTo(4_500);
    assertUsageError("--drain-ms must be 0..120000, not -1", "--drain-ms", "-1");
    assertUsageError("--drain-ms must be 0..120000, not 120001", "--drain-ms", "120001");
  }

  @Test
  void invalidConfigFileExitsWithCode2(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[1,2]");
    StringWriter err = new StringWriter();
    int code = runCapturing(err, "--config", bad.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("not a JSON object");
  }

  @Test
  void helpDocumentsEveryOptionWithItsDefault() {
    StringWriter out = new StringWriter();
    CommandLine line = OpshubCommand.commandLine(new OpshubCommand(), new ConfigDefaults(Map.of(), new JsonObject()));
    line.setOut(new PrintWriter(out));
    assertThat(line.execute("--help")).isZero();
    String help = out.toString();
    for (String option : new String[] {"--roles", "--cluster", "--http-port", "--host", "--cluster-members",
        "--cluster-interface", "--cluster-port", "--cluster-name", "--cluster-config", "--operator-token", "--config",
        "--data-dir", "--auto-drills", "--bench-rate", "--bench-payload", "--allowed-origins", "--nodes", "--drain-ms",
        "OPSHUB_"}) {
      assertThat(help).contains(option);
    }
    String unwrapped = help.replaceAll("\\n\\s+", "");
    assertThat(unwrapped).contains("Default: agents,engine,web").contains("Default: 8080").contains("Default: ./data");
  }

  @Test
  void aBadListItemIsAUsageErrorNamingTheOptionAndTheValue() {
    assertUsageError("opshub: --roles: unknown role 'bogus' (expected agents, engine or web)", "--roles", "web,bogus");
    assertUsageError("opshub: --cluster-members: 'h:70000': the port must be 1..65535",
        "--cluster-members", "10.0.0.5,h:70000");
    assertUsageError("opshub: --cluster-members: 'h:0': the port must be 1..65535", "--cluster-members", "h:0");
    assertUsageError("opshub: --cluster-members: ':5701' is not host, host:port or dns:NAME", "--cluster-members", ":5701");
    assertUsageError("opshub: --cluster-members: 'a b' is not host, host:port or dns:NAME", "--cluster-members", "a b");
    assertUsageError("opshub: --cluster-members: 'dns:': dns: takes a DNS name", "--cluster-members", "dns:");
    assertUsageError("opshub: --cluster-members: 'dns:a/b': dns: takes a DNS name", "--cluster-members", "dns:a/b");
    assertUsageError("opshub: --cluster-members: dns:NAME is given alone", "--cluster-members", "dns:opshub,10.0.0.5");
    assertUsageError("opshub: --nodes: 'ftp://b' is not an http:// or https:// URL", "--nodes", "http://a:8080,ftp://b");
    assertUsageError("opshub: --nodes: 'http://' is not an http:// or https:// URL", "--nodes", "http://");
    assertUsageError("opshub: --nodes: '10.0.0.5:8080' is not an http:// or https:// URL", "--nodes", "10.0.0.5:8080");
  }

  @Test
  void aBadValueFromTheEnvironmentOrTheConfigFileSaysWhereItCameFrom(@TempDir Path dir) throws Exception {
    StringWriter err = new StringWriter();
    assertThat(OpshubCommand.execute(Map.of("OPSHUB_NODES", "gopher://x"), new PrintWriter(err, true))).isEqualTo(2);
    assertThat(err.toString()).contains("--nodes: 'gopher://x' is not an http:// or https:// URL (from OPSHUB_NODES)");
    Path file = dir.resolve("opshub.json");
    Files.writeString(file, "{\"clusterMembers\":[\"10.0.0.5\",\"10.0.0.6:99999\"]}");
    err = new StringWriter();
    assertThat(OpshubCommand.execute(Map.of(), new PrintWriter(err, true), "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster-members: '10.0.0.6:99999': the port must be 1..65535 (from "
        + "\"clusterMembers\" in " + file + ")");
    // a flag replaces a bad environment value: the error is the flag's own, with no origin
    err = new StringWriter();
    assertThat(OpshubCommand.execute(Map.of("OPSHUB_ROLES", "bogus", "OPSHUB_HTTP_PORT", "8080"),
        new PrintWriter(err, true), "--roles", "web", "--http-port", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("opshub: --http-port must be 1..65535, not 0\n").doesNotContain("bogus");
  }

  @Test
  void listsComeFromTheEnvironmentAndFromJsonArraysInTheConfigFile(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("OPSHUB_ROLES", "engine, web", "OPSHUB_CLUSTER_MEMBERS", "10.0.0.5, 10.0.0.6:5702",
        "OPSHUB_ALLOWED_ORIGINS", "https://a.example,https://b.example", "OPSHUB_NODES", "http://n1:8080,https://n2");
    NodeSettings fromEnv = settings(env, new JsonObject());
    assertThat(fromEnv.roleNames()).containsExactly("engine", "web");
    assertThat(fromEnv.clusterMembers()).containsExactly("10.0.0.5", "10.0.0.6:5702");
    assertThat(fromEnv.allowedOrigins().getList()).containsExactly("https://a.example", "https://b.example");
    assertThat(fromEnv.nodes()).containsExactly("http://n1:8080", "https://n2");

    Path path = dir.resolve("opshub.json");
    Files.writeString(path, "{\"roles\":[\"agents\",\"WEB\"],\"cluster-members\":[\"10.0.0.7:5701\",\"[::1]:5702\",\"::1\"],"
        + "\"allowedOrigins\":[\"https://c.example\"],\"nodes\":[\" http://n3:8080 \"],\"clusterPort\":5801}");
    JsonObject file = ConfigDefaults.load(path);
    NodeSettings fromFile = settings(Map.of(), file);
    assertThat(fromFile.roleNames()).containsExactly("agents", "web");
    assertThat(fromFile.clusterMembers()).containsExactly("10.0.0.7:5701", "[::1]:5702", "::1");
    assertThat(fromFile.allowedOrigins().getList()).containsExactly("https://c.example");
    assertThat(fromFile.nodes()).containsExactly("http://n3:8080");
    assertThat(fromFile.clusterPort()).isEqualTo(5801);

    NodeSettings both = settings(Map.of("OPSHUB_ROLES", "engine"), file, "--nodes", "https://n4");
    assertThat(both.roleNames()).containsExactly("engine");
    assertThat(both.nodes()).containsExactly("https://n4");
    assertThat(both.clusterMembers()).containsExactly("10.0.0.7:5701", "[::1]:5702", "::1");
  }

  @Test
  void listItemsAreTrimmedAndEmptyItemsDropped() {
    NodeSettings s = settings(Map.of("OPSHUB_NODES", " , "), new JsonObject(), "--roles", " web ,, engine ,",
        "--cluster-members", ",10.0.0.5 ,, ", "--allowed-origins", " https://a , ,https://b");
    assertThat(s.roleNames()).containsExactly("engine", "web");
    assertThat(s.clusterMembers()).containsExactly("10.0.0.5");
    assertThat(s.allowedOrigins().getList()).containsExactly("https://a", "https://b");
    assertThat(s.nodes()).isEmpty();
    assertThat(settings(Map.of(), new JsonObject(), "--roles", "web", "--roles", "agents").roleNames())
        .containsExactly("agents", "web");
    assertUsageError("--roles: at least one", "--roles", " , ");
    assertUsageError("--roles: at least one", "--roles=");
  }

  @Test
  void configFileRefusesArraysForOneValueRepeatedNamesAndObjects(@TempDir Path dir) throws Exception {
    assertConfigRefused(dir, "{\"httpPort\":[8080,8081]}", "\"httpPort\" in ", "takes one value, not an array");
    assertConfigRefused(dir, "{\"httpPort\":8080,\"http-port\":8081}", "is the same option as");
    assertConfigRefused(dir, "{\"roles\":{\"web\":true}}", "\"roles\" in ", "must be a string, number or boolean");
    assertConfigRefused(dir, "{\"roles\":[[\"web\"]]}", "must be an array of strings or numbers");
    assertConfigRefused(dir, "{\"bridge\":5}", "\"bridge\" in ", "must be a JSON object");
    assertConfigRefused(dir, "{\"help\":true}", "unknown option \"help\"");
    assertConfigRefused(dir, "{\"config\":\"other.json\"}", "unknown option \"config\"");
    StringWriter err = new StringWriter();
    assertThat(runCapturing(err, "--config", dir.resolve("missing.json").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--config: cannot read ").contains("missing.json (no such file)");
  }

  private static void assertConfigRefused(Path dir, String json, String... messages) throws Exception {
    Path path = Files.createTempFile(dir, "opshub", ".json");
    Files.writeString(path, json);
    StringWriter err = new StringWriter();
    assertThat(runCapturing(err, "--config=" + path)).as("exit code of %s", json).isEqualTo(2);
    assertThat(err.toString()).startsWith("opshub: --config: ").contains(messages);
  }

  private static void assertUsageError(String message, String... args) {
    StringWriter err = new StringWriter();
    assertThat(runCapturing(err, args)).as("exit code of %s", String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  private static int runCapturing(StringWriter err, String... args) {
    // every case here is invalid, so the command fails before it would start a node
    return OpshubCommand.execute(Map.of(), new PrintWriter(err, true), args);
  }

  @Test
  void autoTransportIsNativeEpollWhereItLoadsAndNioElsewhere() {
    io.vertx.core.transport.Transport chosen = NetTransport.AUTO.resolve();
    boolean linuxX64 = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64");
    // the hub jar carries the x86_64 Linux epoll library: on such a machine auto must pick it
    assertThat(chosen).isEqualTo(linuxX64 ? io.vertx.core.transport.Transport.EPOLL : io.vertx.core.transport.Transport.NIO);
    assertThat(NetTransport.NIO.resolve()).isEqualTo(io.vertx.core.transport.Transport.NIO);
  }
}
