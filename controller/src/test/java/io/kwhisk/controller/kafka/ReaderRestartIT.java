package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.controller.Controller;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import io.kwhisk.controller.activation.ActivationIds;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A controller's Kafka readers survive an outage: a reader that fails while Kafka is away (a
 * metadata call timing out) is restarted with back-off, {@code /ready} answers 503 meanwhile and
 * 200 once every reader reads again, and records written after the outage still reach the
 * activation store.
 */
class ReaderRestartIT {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aReaderThatFailsDuringAnOutageIsRestartedAndReadinessFollowsIt() throws Exception {
    try (Harness h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"));
        Controller other = h.startAnother(1)) {
      assertThat(h.call("GET", "/ready", null).statusCode()).isEqualTo(200);

      h.stopKafka();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> h.call("GET", "/ready", null).statusCode() == 503);
      HttpResponse<String> down = h.call("GET", "/ready", null);
      assertThat(Harness.json(down).at("/readers/activations").asText())
          .as(down.body())
          .isEqualTo("down");
      assertThat(h.call("GET", "/metrics", null).body()).contains("kwhisk_controller_readers_down");

      h.restartKafka();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> h.call("GET", "/ready", null).statusCode() == 200);

      // An activation the other controller accepted, completed after the outage: this controller's
      // store follows.
      ActivationMessage m =
          new ActivationMessage(
              ActivationIds.next(),
              null,
              "guest",
              "after-outage",
              "r",
              "guest",
              Json.object(),
              false,
              1,
              System.currentTimeMillis());
      h.complete(m, ActivationResponse.success(Json.object().put("ok", true)), List.of());
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(300))
          .until(
              () ->
                  h.call("GET", "/api/v1/namespaces/_/activations/" + m.activationId(), null)
                          .statusCode()
                      == 200);
    }
  }
}
