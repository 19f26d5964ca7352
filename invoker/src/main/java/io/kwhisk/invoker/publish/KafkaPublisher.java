package io.kwhisk.invoker.publish;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The invoker's one {@link KafkaProducer}, shared by the pool and every proxy, behind a {@link
 * RecordSender}: the sends that could block (a topic not written to lately, a buffer more than half
 * full) run on the owned {@code kwhisk-publisher} thread, the others on the caller's, which saves a
 * thread hand-off on every completion (the activation's critical path). No send blocks a proxy's
 * actor or a pipeline's thread.
 */
public final class KafkaPublisher implements Publisher {
  private final RecordSender sender;
  private final int maxCompletionBytes;

  public KafkaPublisher(KafkaSettings kafka, int invokerId) {
    Map<String, Object> props = kafka.clientConfig("invoker" + invokerId + "-producer");
    props.put("acks", "all");
    props.putIfAbsent(
        "linger.ms", 0); // kwhisk.kafka.client.linger.ms may trade latency for fewer requests
    // Blocks only RecordSender's own thread (first sends, and sends while the buffer is more than
    // half full).
    props.putIfAbsent("max.block.ms", 30_000);
    // Read, not set: the producer keeps Kafka's default unless the operator's client properties
    // change it.
    this.maxCompletionBytes =
        Integer.parseInt(
            String.valueOf(props.getOrDefault("max.request.size", DEFAULT_MAX_RECORD_BYTES))
                .trim());
    this.sender =
        new RecordSender(
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()),
            "kwhisk-publisher-" + invokerId,
            RecordSender.bufferBytes(props));
  }

  /**
   * Binds the producer's own meters to {@code registry} until it is closed (see {@link
   * RecordSender#withMeters}).
   */
  public KafkaPublisher withMeters(MeterRegistry registry) {
    sender.withMeters(registry);
    return this;
  }

  @Override
  public CompletionStage<Void> completion(int controllerId, CompletionMessage completion) {
    return send(Topics.completedTopic(controllerId), completion.activationId(), completion);
  }

  @Override
  public int maxCompletionBytes() {
    return maxCompletionBytes;
  }

  @Override
  public CompletionStage<Void> activation(FullyQualifiedName action, ActivationMessage activation) {
    return send(Topics.actionTopic(action), activation.activationId(), activation);
  }

  @Override
  public CompletionStage<Void> heartbeat(InvokerHeartbeat heartbeat) {
    return send(Topics.HEALTH, Integer.toString(heartbeat.invokerId()), heartbeat);
  }

  private CompletionStage<Void> send(String topic, String key, Object value) {
    return sender.send(topic, key, Json.encode(value)).thenApply(metadata -> null);
  }

  @Override
  public void close() {
    sender.close(Duration.ofSeconds(10));
  }
}
