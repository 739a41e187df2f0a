package dev.opshub.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {

  @Test
  void theFlagsOfCompareShReachTheLoadOptions() {
    BenchCommand command = new BenchCommand();
    new CommandLine(command).parseArgs("--url", "http://127.0.0.1:18480/eventbus", "--conns", "1000", "--rate", "100",
      "--warmup", "20", "--duration", "60", "--server-pid", "4242", "--scenario", "d", "--label", "opshub",
      "--json", "target/d-opshub.json", "--connect-timeout", "240", "--stall", "1", "--stall-for", "30");
    LoadOptions options = command.options();
    assertThat(options.url()).isEqualTo(URI.create("http://127.0.0.1:18480/eventbus"));
    assertThat(options.connections()).isEqualTo(1000);
    assertThat(options.expectedRate()).isEqualTo(100.0);
    assertThat(options.warmupSeconds()).isEqualTo(20);
    assertThat(options.durationSeconds()).isEqualTo(60);
    assertThat(options.serverPid()).isEqualTo(4242);
    assertThat(options.scenario()).isEqualTo("d");
    assertThat(options.label()).isEqualTo("opshub");
    assertThat(options.connectTimeoutSeconds()).isEqualTo(240);
    assertThat(options.stall()).isEqualTo(1);
    assertThat(options.stallForSeconds()).isEqualTo(30);
    assertThat(command.json).isEqualTo(Path.of("target/d-opshub.json"));

    CommandLine.ParseResult stock = new CommandLine(new BenchCommand()).parseArgs("stock-server", "--port", "18480",
      "--rate", "200", "--payload", "200", "--instances", "2");
    StockServerCommand server = (StockServerCommand) stock.subcommand().commandSpec().userObject();
    assertThat(server.port).isEqualTo(18480);
    assertThat(server.rate).isEqualTo(200);
    assertThat(server.payload).isEqualTo(200);
    assertThat(server.instances).isEqualTo(2);
  }

  @Test
  void aValueTheLoadOptionsRefuseIsAUsageErrorNamingItsFlag() {
    assertUsageError("--conns: connections must be > 0", "--conns", "0");
    assertUsageError("--ping-interval: pingInterval must be >= 100 ms", "--ping-interval", "10");
    assertUsageError("--url: url must be http://host:port/path (got ftp://x/eventbus)", "--url", "ftp://x/eventbus");
    assertUsageError("Invalid value for option '--url': cannot convert 'ht tp://x' to URI", "--url", "ht tp://x");
  }

  private static void assertUsageError(String message, String... args) {
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err, true));
    assertThat(line.execute(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).contains(message).contains("Usage: opshub-bench");
  }
}
