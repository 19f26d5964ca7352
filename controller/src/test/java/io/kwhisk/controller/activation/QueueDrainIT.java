package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deleting an action whose activations are still queued (no container ever took them) ends each of
 * them with an error record saying the action was deleted, for its blocking caller and for {@code
 * GET}, before the action's topic goes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueueDrainIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"));
    h.heartbeat(7, Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  @Test
  void deletingAnActionEndsEachOfItsQueuedActivationsWithAnErrorRecordThenDeletesItsTopic()
      throws Exception {
    assertThat(h.createAction("short-lived", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    String base = "/api/v1/namespaces/_/actions/short-lived";
    CompletableFuture<HttpResponse<String>> blocking =
        h.callAsync("POST", base + "?blocking=true", "{}");
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.call("POST", base, "{}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      queued.add(Harness.json(r).get("activationId").asText());
    }

    assertThat(h.call("DELETE", base, null).statusCode()).isEqualTo(200);

    HttpResponse<String> answer = blocking.get(60, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
    assertThat(Harness.json(answer).at("/response/result/error").asText())
        .isEqualTo(ErrorRecords.ACTION_DELETED);
    for (String id : queued) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  h.call("GET", "/api/v1/namespaces/_/activations/" + id, null).statusCode()
                      == 200);
      JsonNode record = Harness.json(h.call("GET", "/api/v1/namespaces/_/activations/" + id, null));
      assertThat(record.at("/response/status").asText()).isEqualTo("whisk internal error");
      assertThat(record.at("/response/result/error").asText())
          .isEqualTo(ErrorRecords.ACTION_DELETED);
    }
    String topic = Topics.actionTopic(new FullyQualifiedName("guest", "short-lived"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !h.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));
  }
}
