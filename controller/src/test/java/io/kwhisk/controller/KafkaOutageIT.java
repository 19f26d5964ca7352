package io.kwhisk.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With Kafka gone, an invoke fails fast with 503 and a JSON error instead of hanging or answering
 * 500; once the controller knows Kafka unreachable ({@code KafkaReachability}) it refuses at once.
 */
class KafkaOutageIT {

  @Test
  @Timeout(180)
  void anInvokeAnswers503QuicklyWhenKafkaIsUnavailable() throws Exception {
    try (Harness h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"))) {
      h.heartbeat(7, Map.of());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                h.createAction("outage", Harness.nodeAction("x"));
                return h.call("POST", "/api/v1/namespaces/_/actions/outage", "{}").statusCode()
                    == 202;
              });

      h.kafka.close();

      long began = System.nanoTime();
      HttpResponse<String> r = h.call("POST", "/api/v1/namespaces/_/actions/outage", "{}");
      long tookMs = (System.nanoTime() - began) / 1_000_000;
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      JsonNode body = Harness.json(r);
      assertThat(body.path("error").asText()).isNotBlank();
      assertThat(body.path("code").asText()).isNotBlank();
      assertThat(tookMs)
          .as("fails within the producer's delivery timeout, not the HTTP client's")
          .isLessThan(30_000);

      // Now the controller knows Kafka unreachable: it refuses without writing, so without waiting
      // for the producer.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                HttpResponse<String> refused =
                    h.call("POST", "/api/v1/namespaces/_/actions/outage", "{}");
                return refused.statusCode() == 503
                    && Harness.json(refused)
                        .path("error")
                        .asText()
                        .startsWith("Kafka is unreachable");
              });
    }
  }
}
