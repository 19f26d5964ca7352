package io.kwhisk.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.topic.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a controller does with requests in flight when it is told to stop (SIGTERM runs {@link
 * Controller#close}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GracefulStopIT {
  @Test
  void aStoppingControllerTakesNoNewConnectionsButAnswersTheBlockingInvokesItHas()
      throws Exception {
    ExecutorService stopper = Executors.newSingleThreadExecutor();
    try (Harness h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"))) {
      h.heartbeat(7, Map.of());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                h.createAction("probe", Harness.nodeAction("x"));
                return h.call("POST", "/api/v1/namespaces/_/actions/probe", "{}").statusCode()
                    == 202;
              });
      h.createAction("inflight", Harness.nodeAction("x"));
      CompletableFuture<HttpResponse<String>> pending =
          h.callAsync("POST", "/api/v1/namespaces/_/actions/inflight?blocking=true", "{\"n\":1}");
      ActivationMessage message;
      try (KafkaConsumer<String, byte[]> consumer =
          h.reader(Topics.actionTopic(new FullyQualifiedName("guest", "inflight")))) {
        message = Json.decode(Harness.awaitRecord(consumer, null).value(), ActivationMessage.class);
      }
      assertThat(message.blocking()).isTrue();
      int port = h.controller().port();

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(h::stopController, stopper);
      await().atMost(Duration.ofSeconds(20)).until(() -> !accepts(port));
      // The stop must wait for the request's answer, however long: it may not be done while the
      // answer is not.
      // (A slow machine can only make this pass for a controller that does not wait, never fail one
      // that does.)
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> !stopped.isDone());
      h.complete(
          message, ActivationResponse.success(Json.object().put("answered", true)), List.of());

      HttpResponse<String> answer = pending.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(Harness.json(answer).at("/response/result/answered").asBoolean()).isTrue();
      stopped.get(30, TimeUnit.SECONDS);
    } finally {
      stopper.shutdownNow();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
