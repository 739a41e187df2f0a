package dev.opshub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** {@code --cluster-quorum}: flag, environment, config file, checks. */
class ClusterQuorumOptionTest {

  @Test
  void noneByDefault() {
    assertThat(OpshubCommand.parse(Map.of(), new JsonObject()).settings().clusterQuorum()).isNull();
    assertThat(OpshubCommand.parse(Map.of(), new JsonObject(), "--cluster").settings().clusterQuorum()).isNull();
  }

  @Test
  void fromTheFlagTheEnvironmentOrTheFile() {
    assertThat(OpshubCommand.parse(Map.of(), new JsonObject(), "--cluster", "--cluster-quorum", "3").settings()
        .clusterQuorum()).isEqualTo(3);
    assertThat(OpshubCommand.parse(Map.of("OPSHUB_CLUSTER_QUORUM", "4"), new JsonObject(), "--cluster").settings()
        .clusterQuorum()).isEqualTo(4);
    assertThat(OpshubCommand.parse(Map.of(), new JsonObject().put("clusterQuorum", 5), "--cluster").settings()
        .clusterQuorum()).isEqualTo(5);
  }

  @Test
  void aQuorumBelowTwoOrWithoutAClusterIsAUsageError() {
    assertThat(run("--cluster", "--cluster-quorum", "1")).contains("--cluster-quorum must be 2..");
    assertThat(run("--cluster-quorum", "3")).contains("--cluster-quorum needs --cluster");
  }

  private static String run(String... args) {
    StringWriter err = new StringWriter();
    int code = OpshubCommand.execute(Map.of(), new PrintWriter(err, true), args);
    assertThat(code).isEqualTo(OpshubCommand.EXIT_USAGE);
    return err.toString();
  }
}
