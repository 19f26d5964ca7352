package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** Scheduling against a real broker: heartbeats in, container creations out. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"));
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  /** First: it needs a broker on which no invoker has sent a heartbeat yet. */
  @Test
  @Order(1)
  void withoutAnyInvokerAnInvokeIs503AndWithOneAColdActionGetsAContainerThere() throws Exception {
    assertThat(h.createAction("cold", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = h.call("POST", "/api/v1/namespaces/_/actions/cold", "{}");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(Harness.json(refused).get("error").asText()).startsWith("No invokers available");

    h.heartbeat(3, Map.of());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> h.call("POST", "/api/v1/namespaces/_/actions/cold", "{}").statusCode() == 202);

    try (KafkaConsumer<String, byte[]> invoker = awaitTopic(Topics.invokerTopic(3))) {
      ConsumerRecord<String, byte[]> record = Harness.awaitRecord(invoker, "guest/cold");
      InvokerCommand command = Json.decode(record.value(), InvokerCommand.class);
      assertThat(command).isInstanceOf(ContainerCreation.class);
      ContainerCreation creation = (ContainerCreation) command;
      assertThat(creation.action().name()).isEqualTo("cold");
      assertThat(creation.action().exec().code()).isEqualTo("x");
      assertThat(creation.controllerId()).isZero();
    }
  }

  @Test
  @Order(2)
  void updatingAnActionRetiresOlderRevisionsAndDeletingItRetiresAllItsContainers()
      throws Exception {
    assertThat(h.createAction("retired", Harness.nodeAction("v1")).statusCode()).isEqualTo(200);
    h.heartbeat(5, Map.of("guest/retired", 1));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> h.controller().schedulerView().invokersHosting("guest/retired").contains(5));

    HttpResponse<String> updated =
        h.call(
            "PUT", "/api/v1/namespaces/_/actions/retired?overwrite=true", Harness.nodeAction("v2"));
    assertThat(updated.statusCode()).isEqualTo(200);
    try (KafkaConsumer<String, byte[]> invoker = awaitTopic(Topics.invokerTopic(5))) {
      ContainerDeletion keep =
          (ContainerDeletion)
              Json.decode(
                  Harness.awaitRecord(invoker, "guest/retired").value(), InvokerCommand.class);
      assertThat(keep.keepRevision()).isNotNull();
      assertThat(keep.actionName()).isEqualTo("retired");

      assertThat(h.call("DELETE", "/api/v1/namespaces/_/actions/retired", null).statusCode())
          .isEqualTo(200);
      ContainerDeletion all =
          (ContainerDeletion)
              Json.decode(
                  Harness.awaitRecord(invoker, "guest/retired").value(), InvokerCommand.class);
      assertThat(all.keepRevision()).isNull();
    }
  }

  static KafkaConsumer<String, byte[]> awaitTopic(String topic) {
    return awaitTopicOn(h, topic);
  }

  static KafkaConsumer<String, byte[]> awaitTopicOn(Harness harness, String topic) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> harness.admin().listTopics().names().get().contains(topic));
    return harness.reader(topic);
  }
}
