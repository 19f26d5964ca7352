package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-minute limit through the API, against a real broker: OpenWhisk's 429, message and limits
 * document.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NamespaceRateIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h =
        Harness.start(
            Map.of(
                ControllerConfig.HEARTBEAT_TIMEOUT,
                "10m",
                AdmissionSettings.NAMESPACE_PER_MINUTE,
                "3",
                AdmissionSettings.MIN_BACKLOG,
                "1000"));
    h.heartbeat(7, Map.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.controller().schedulerView().hasHealthyInvoker());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  @Test
  void aNamespaceOverItsInvocationsPerMinuteIsRefusedWith429AndTheWaitForTheMinutesTurn()
      throws Exception {
    assertThat(h.createAction("counted", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    assertThat(
            Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null))
                .path("invocationsPerMinute")
                .asInt())
        .isEqualTo(3);

    // 3 a minute: refused by the 4th invoke, or (when a minute turns during the loop) by the 7th at
    // the latest.
    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 7 && refused == null; i++) {
      HttpResponse<String> r = h.call("POST", "/api/v1/namespaces/_/actions/counted", "{}");
      if (r.statusCode() == 202) accepted++;
      else refused = r;
    }
    assertThat(refused).as("refused within 7 invokes").isNotNull();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(accepted).isBetween(3, 6);
    JsonNode error = Harness.json(refused);
    assertThat(error.path("error").asText())
        .isEqualTo("Too many requests in the last minute (count: 4, allowed: 3).");
    assertThat(error.path("code").asText()).isNotBlank();
    assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1, 60);
  }
}
