package io.kwhisk.controller.kafka;

import io.kwhisk.common.kafka.KafkaSettings;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds the controller's one producer: idempotent, acknowledged by all replicas, failing fast when
 * Kafka is away.
 */
public final class Producers {
  private Producers() {}

  /**
   * {@code max.block.ms} and {@code delivery.timeout.ms} are short so that an unreachable Kafka
   * turns into a quick 503 rather than a request hanging for the client's defaults of one and two
   * minutes.
   */
  public static KafkaProducer<String, byte[]> create(KafkaSettings kafka, String clientId) {
    Map<String, Object> props = kafka.clientConfig(clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(
        ProducerConfig.LINGER_MS_CONFIG, 0); // kwhisk.kafka.client.linger.ms may batch more
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    // An action's topic stays in the producer's metadata for an hour after its last activation
    // (Kafka's default: 5 minutes), so an action invoked every few minutes does not wait for a
    // metadata fetch on each invoke; the periodic refresh carries one partition per such topic.
    props.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, 3_600_000);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }
}
