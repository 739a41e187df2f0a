package dev.opshub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opshub.contract.OpsStreams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

class WebConfigTest {

  @Test
  void webVerticleGetsTheContractConfig() {
    JsonObject file = new JsonObject().put("bridge", new JsonObject().put("maxMessagesPerFrame", 5));
    NodeSettings settings = OpshubCommand.parse(Map.of(), file, "--roles", "web,engine", "--http-port", "8082",
        "--host", "127.0.0.1", "--operator-token", "tok", "--allowed-origins", "https://ops.example",
        "--nodes", "http://127.0.0.1:8082,http://127.0.0.1:8083").settings();
    JsonObject config = OpshubNode.webConfig(settings, "n-1a2b");
    assertThat(config.getString("host")).isEqualTo("127.0.0.1");
    assertThat(config.getInteger("httpPort")).isEqualTo(8082);
    assertThat(config.getString("nodeId")).isEqualTo("n-1a2b");
    assertThat(config.getJsonArray("roles")).isEqualTo(new JsonArray().add("engine").add("web"));
    assertThat(config.getString("operatorToken")).isEqualTo("tok");
    assertThat(config.getJsonArray("streams")).isEqualTo(OpsStreams.toJson());
    assertThat(config.getJsonObject("bridge").getInteger("maxMessagesPerFrame")).isEqualTo(5);
    assertThat(config.getJsonArray("allowedOrigins")).isEqualTo(new JsonArray().add("https://ops.example"));
    assertThat(config.getJsonArray("nodes")).isEqualTo(new JsonArray().add("http://127.0.0.1:8082").add("http://127.0.0.1:8083"));
  }

  @Test
  void withoutOriginsOrNodesTheWebVerticleKeepsItsDefaults() {
    JsonObject config = OpshubNode.webConfig(OpshubCommand.parse(Map.of(), new JsonObject()).settings(), "n-1");
    assertThat(config.containsKey("allowedOrigins")).isFalse();
    assertThat(config.containsKey("nodes")).isFalse();
    assertThat(config.getJsonObject("bridge")).isEmpty();
  }
}
