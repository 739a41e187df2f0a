package dev.opshub.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReliabilityTableCommandTest {

  @Test
  void eachFigureOfEachFaultGetsItsRunsMinMedianAndMax(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("takeover.jsonl");
    Files.write(file, List.of(
        "{\"test\":\"takeover\",\"fault\":\"kill\",\"at\":1,\"engineActiveMs\":1700,\"events\":61}",
        "{\"test\":\"takeover\",\"fault\":\"kill\",\"at\":2,\"engineActiveMs\":1300,\"events\":61}",
        "",
        "{\"test\":\"takeover\",\"fault\":\"kill\",\"at\":3,\"engineActiveMs\":1500.5,\"events\":61}",
        "{\"test\":\"takeover\",\"fault\":\"sigterm\",\"at\":4,\"engineActiveMs\":900,\"events\":61}"));
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new ReliabilityTableCommand());
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute(file.toString())).isZero();
    assertThat(out.toString().lines().toList()).containsExactly(
        "| test | fault | figure | runs | min | median | max |",
        "|---|---|---|---:|---:|---:|---:|",
        "| takeover | kill | engineActiveMs | 3 | 1,300 | 1,500.5 | 1,700 |",
        "| takeover | kill | events | 3 | 61 | 61 | 61 |",
        "| takeover | sigterm | engineActiveMs | 1 | 900 | 900 | 900 |",
        "| takeover | sigterm | events | 1 | 61 | 61 | 61 |");
  }

  @Test
  void theMedianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
    assertThat(ReliabilityTableCommand.median(List.of(1.0, 2.0, 4.0, 9.0))).isEqualTo(3.0);
  }
}
