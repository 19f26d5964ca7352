package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.controller.Controller;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real controllers on one broker hold a namespace's concurrency limit together. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedLimitIT {
  @Test
  void withTwoControllersANamespaceLimitOfTenAdmitsAtMostTenInFlight() throws Exception {
    try (Harness h =
            Harness.start(
                Map.of(
                    ControllerConfig.HEARTBEAT_TIMEOUT,
                    "10m",
                    AdmissionSettings.NAMESPACE_CONCURRENCY,
                    "10",
                    AdmissionSettings.MIN_BACKLOG,
                    "1000",
                    AdmissionSettings.CONTROLLERS,
                    "2"));
        Controller second = h.startAnother(1)) {
      h.heartbeat(7, Map.of());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  h.controller().schedulerView().hasHealthyInvoker()
                      && second.schedulerView().hasHealthyInvoker());
      assertThat(h.createAction("limited", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
      String path = "/api/v1/namespaces/_/actions/limited";
      HttpRequest viaSecond =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.port() + path))
              .header("Authorization", Harness.basic(h.guest()))
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  second.hasNamespace("guest")
                      && h.http
                              .send(
                                  HttpRequest.newBuilder(
                                          URI.create("http://127.0.0.1:" + second.port() + path))
                                      .header("Authorization", Harness.basic(h.guest()))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .statusCode()
                          == 200);

      Map<Integer, Integer> statuses = new HashMap<>();
      for (int i = 0; i < 15; i++) {
        HttpResponse<String> first = h.call("POST", path, "{}");
        HttpResponse<String> other = h.http.send(viaSecond, HttpResponse.BodyHandlers.ofString());
        statuses.merge(first.statusCode(), 1, Integer::sum);
        statuses.merge(other.statusCode(), 1, Integer::sum);
      }
      assertThat(statuses)
          .as("no activation completes, so every accepted one stays in flight")
          .containsEntry(202, 10)
          .containsEntry(429, 20);
    }
  }
}
