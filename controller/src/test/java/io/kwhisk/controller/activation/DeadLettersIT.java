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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An activation whose every delivery fails (here: a container that releases it each time) ends,
 * once the broker gives it up after the share group's delivery limit, as an error record: the
 * blocking caller gets it and {@code GET /activations/{id}} shows it, instead of the activation
 * vanishing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeadLettersIT {
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
  void anActivationReleasedAtEveryDeliveryEndsAsAnErrorRecordForItsCallerAndForGet()
      throws Exception {
    assertThat(h.createAction("doomed", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> h.call("GET", "/api/v1/namespaces/_/actions/doomed", null).statusCode() == 200);
    CompletableFuture<HttpResponse<String>> blocking =
        h.callAsync("POST", "/api/v1/namespaces/_/actions/doomed?blocking=true", "{\"n\":1}");
    String topic = Topics.actionTopic(new FullyQualifiedName("guest", "doomed"));
    int deliveries = 0;
    try (KafkaShareConsumer<String, byte[]> container =
        new KafkaShareConsumer<>(
            Map.of(
                "bootstrap.servers",
                h.bootstrapServers(),
                "group.id",
                Topics.actionGroup(new FullyQualifiedName("guest", "doomed")),
                "share.acknowledgement.mode",
                "explicit"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      container.subscribe(List.of(topic));
      while (!blocking.isDone()) {
        for (ConsumerRecord<String, byte[]> r : container.poll(Duration.ofMillis(200))) {
          container.acknowledge(r, AcknowledgeType.RELEASE);
          deliveries++;
        }
        container.commitSync();
      }
    }
    HttpResponse<String> answer = blocking.get();
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
    JsonNode record = Harness.json(answer);
    assertThat(record.at("/response/status").asText()).isEqualTo("whisk internal error");
    assertThat(record.at("/response/result/error").asText()).contains("failed 5 times");
    assertThat(deliveries).isEqualTo(5);

    String id = record.get("activationId").asText();
    HttpResponse<String> got = h.call("GET", "/api/v1/namespaces/_/activations/" + id, null);
    assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
    assertThat(Harness.json(got).at("/response/result/error").asText()).contains("failed 5 times");
  }
}
