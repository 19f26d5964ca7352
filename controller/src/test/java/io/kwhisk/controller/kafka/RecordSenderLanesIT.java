package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sends that may block, on a real broker: one topic's stuck send does not hold another's. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordSenderLanesIT {
  static EmbeddedKafka kafka;

  /** Holds every send to a topic named "stuck-..." inside the producer until released. */
  public static final class HoldingPartitioner implements Partitioner {
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public int partition(
        String topic, Object key, byte[] kb, Object value, byte[] vb, Cluster cluster) {
      if (topic.startsWith("stuck-")) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return 0;
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
  }

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory("kwhisk-lanes-it").resolve("kafka"));
  }

  @AfterAll
  static void stop() {
    HoldingPartitioner.release.countDown();
    if (kafka != null) kafka.close();
  }

  private static String topicOnAnotherLaneThan(String topic) {
    int lane = Math.floorMod(topic.hashCode(), RecordSender.LANES);
    for (int i = 0; ; i++) {
      String other = "free-" + i;
      if (Math.floorMod(other.hashCode(), RecordSender.LANES) != lane) return other;
    }
  }

  @Test
  void aFirstSendStuckInTheProducerDoesNotHoldTheFirstSendToAnotherTopic() {
    Map<String, Object> props = KafkaSettings.of(kafka.bootstrapServers()).clientConfig("lanes-it");
    props.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, HoldingPartitioner.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    RecordSender sender =
        new RecordSender(
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()),
            "lanes-it");
    try {
      String stuck = "stuck-0";
      CompletableFuture<RecordMetadata> held =
          sender.send(stuck, "k", "held".getBytes(StandardCharsets.UTF_8));
      CompletableFuture<RecordMetadata> other =
          sender.send(topicOnAnotherLaneThan(stuck), "k", "x".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(60)).until(other::isDone);
      assertThat(other).isCompleted();
      assertThat(held).as("still inside the producer").isNotDone();
      HoldingPartitioner.release.countDown();
      await().atMost(Duration.ofSeconds(60)).until(held::isDone);
      assertThat(held).isCompleted();
    } finally {
      HoldingPartitioner.release.countDown();
      sender.close();
    }
  }
}
