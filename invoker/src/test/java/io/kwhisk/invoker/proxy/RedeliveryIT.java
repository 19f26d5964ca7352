package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.ControllerDouble;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * At-least-once delivery on a real broker (record lock 2 s, production default 30 s): a record one
 * container gives back, or whose lock expires because its container stopped acknowledging (a
 * crashed invoker), reaches another container of the action, as a second delivery.
 */
class RedeliveryIT {
  private static ControllerDouble controller;

  @BeforeAll
  static void start() throws Exception {
    controller =
        ControllerDouble.start(
            Map.of(
                "group.share.min.record.lock.duration.ms", "1000",
                "group.share.record.lock.duration.ms", "2000"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (controller != null) controller.close();
  }

  @Test
  @Timeout(120)
  void aRecordOneContainerReleasesIsPulledByAnotherContainer() throws Exception {
    Action action = controller.action("released", 1_000, 128, "function main(){return {}}");
    KafkaSettings kafka = KafkaSettings.of(controller.bootstrapServers());
    List<Delivery> first = new CopyOnWriteArrayList<>();
    ActivationSource a =
        ActivationFeed.factory(kafka)
            .open(action.fqn(), "released-a", 1, 1, first::addAll, e -> {});
    List<Delivery> second = new CopyOnWriteArrayList<>();
    ActivationSource b = null;
    try {
      String id = controller.send(action, Json.object().put("n", 1));
      await().atMost(Duration.ofSeconds(60)).until(() -> !first.isEmpty());
      b =
          ActivationFeed.factory(kafka)
              .open(
                  action.fqn(),
                  "released-b",
                  1,
                  1,
                  ds -> {
                    second.addAll(ds);
                  },
                  e -> {});
      await().atMost(Duration.ofSeconds(30)).until(() -> controller.groupMembers(action) == 2);
      // Container a refuses the record (as a retiring or failing proxy does) and leaves: b is the
      // only member left.
      a.release(first.get(0));
      a.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> !second.isEmpty());
      assertThat(second.get(0).activationId()).isEqualTo(id);
      assertThat(second.get(0).deliveryCount()).isEqualTo(2);
      ActivationSource bb = b;
      second.forEach(bb::acknowledge);
    } finally {
      a.close();
      if (b != null) b.close();
    }
  }

  @Test
  @Timeout(120)
  void aRecordWhoseContainerStopsAcknowledgingIsPulledByAnotherContainerWhenItsLockExpires()
      throws Exception {
    Action action = controller.action("expired", 1_000, 128, "function main(){return {}}");
    KafkaSettings kafka = KafkaSettings.of(controller.bootstrapServers());
    String id = controller.send(action, Json.object().put("n", 1));
    // A container of a crashed invoker: it acquired the record and will never acknowledge it (nor
    // poll again).
    try (KafkaShareConsumer<String, byte[]> crashed =
        new KafkaShareConsumer<>(
            ActivationFeed.properties(kafka, action.fqn(), "expired-crashed", 1),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      crashed.subscribe(List.of(Topics.actionTopic(action.fqn())));
      List<ConsumerRecord<String, byte[]>> held = new CopyOnWriteArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                crashed.poll(Duration.ofMillis(200)).forEach(held::add);
                return !held.isEmpty();
              });
      assertThat(held.get(0).key()).isEqualTo(id);

      List<Delivery> other = new CopyOnWriteArrayList<>();
      ActivationSource b =
          ActivationFeed.factory(kafka)
              .open(action.fqn(), "expired-b", 1, 1, other::addAll, e -> {});
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> !other.isEmpty());
        assertThat(other.get(0).activationId()).isEqualTo(id);
        assertThat(other.get(0).deliveryCount()).isEqualTo(2);
        other.forEach(b::acknowledge);
      } finally {
        b.close();
      }
    }
  }
}
