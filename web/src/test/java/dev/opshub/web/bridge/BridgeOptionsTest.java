package dev.opshub.web.bridge;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BridgeOptionsTest {

  @Test
  void defaults_round_trip_through_json() {
    BridgeOptions defaults = new BridgeOptions();
    assertThat(defaults.getMaxBatchMessages()).isEqualTo(10);
    assertThat(defaults.getMaxBatchDelay()).isEqualTo(100);
    assertThat(defaults.getBatchLinger()).isEqualTo(35);
    assertThat(defaults.getBatchFillWait()).isEqualTo(45);
    assertThat(defaults.getFlushGroups()).isEqualTo(4);
    assertThat(defaults.getHeartbeatInterval()).isEqualTo(25_000);
    assertThat(defaults.getPingTimeout()).isEqualTo(60_000);
    assertThat(BridgeOptions.fromJson(defaults.toJson()).toJson()).isEqualTo(defaults.toJson());
    BridgeOptions custom = new BridgeOptions().setMaxQueueMessages(7).setBatchLinger(20).setBatchFillWait(30).setFlushGroups(2).setOperatorToken("t").setAllowedOrigins(List.of("HTTPS://Ops.Example.com/"));
    assertThat(BridgeOptions.fromJson(custom.toJson()).toJson()).isEqualTo(custom.toJson());
    assertThat(custom.getAllowedOrigins()).containsExactly("https://ops.example.com");
  }

  @Test
  void reads_the_web_verticle_config() {
    JsonObject config = new JsonObject().put("nodeId", "n-1a2b").put("operatorToken", "tok")
        .put("streams", new JsonArray().add(new JsonObject().put("address", "ops.health").put("kind", "state")))
        .put("allowedOrigins", new JsonArray().add("https://ops.example.com"))
        .put("bridge", new JsonObject().put("maxBatchMessages", 20).put("maxQueueBytes", 4096));
    BridgeOptions options = BridgeOptions.fromConfig(config);
    assertThat(options.getNodeId()).isEqualTo("n-1a2b");
    assertThat(options.getOperatorToken()).isEqualTo("tok");
    assertThat(options.getStreams()).containsExactly("ops.health");
    assertThat(options.getAllowedOrigins()).containsExactly("https://ops.example.com");
    assertThat(options.getMaxBatchMessages()).isEqualTo(20);
    assertThat(options.getMaxQueueBytes()).isEqualTo(4096);
  }

  @Test
  void setters_validate() {
    assertThatThrownBy(() -> new BridgeOptions().setMaxBatchMessages(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setMaxQueueBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setBatchLinger(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setBatchFillWait(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setFlushGroups(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setStreams(List.of("internal.agents.status"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setStreams(List.of("ops.control.drills"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setNodeId(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setDisabledTransports(List.of("htmlfile"))).hasMessageContaining("htmlfile");
    assertThatThrownBy(() -> new BridgeOptions().setResponseLimit(100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setMaxHttpSessions(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setSessionTimeout(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BridgeOptions().setMaxSendBytes(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transport_options_read_from_json() {
    BridgeOptions options = BridgeOptions.fromJson(new JsonObject().put("disabledTransports", new JsonArray().add("WebSocket").add("xhr-polling"))
        .put("sessionTimeout", 2_000).put("maxHttpSessions", 10).put("responseLimit", 4096).put("maxSendBytes", 1024)
        .put("cookieNeeded", true));
    assertThat(options.getDisabledTransports()).containsExactly("websocket", "xhr-polling");
    assertThat(options.getSessionTimeout()).isEqualTo(2_000);
    assertThat(options.getMaxHttpSessions()).isEqualTo(10);
    assertThat(options.getResponseLimit()).isEqualTo(4096);
    assertThat(options.getMaxSendBytes()).isEqualTo(1024);
    assertThat(options.isCookieNeeded()).isTrue();
    assertThat(BridgeOptions.fromJson(options.toJson()).toJson()).isEqualTo(options.toJson());
    BridgeOptions defaults = new BridgeOptions();
    assertThat(defaults.getSessionTimeout()).isEqualTo(5_000);
    assertThat(defaults.getResponseLimit()).isEqualTo(128 * 1024);
    assertThat(defaults.getDisabledTransports()).isEmpty();
  }

  @Test
  void applies_send_buffer_and_websocket_limits_to_the_server() {
    HttpServerOptions server = new BridgeOptions().setSendBufferSize(32 * 1024).applyTo(new HttpServerOptions());
    assertThat(server.getSendBufferSize()).isEqualTo(32 * 1024);
    assertThat(server.getMaxWebSocketMessageSize()).isGreaterThanOrEqualTo(4 * 64 * 1024);
  }
}
