package io.kwhisk.invoker.publish;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The invoker's one {@link KafkaProducer}, shared by the pool and every proxy. {@code send} can block (metadata of
 * a topic not seen before, a full buffer), so sends are issued from one owned thread, {@code kwhisk-publisher}, and
 * never from an actor's dispatcher; the single thread also keeps one caller's writes in order.
 */
public final class KafkaPublisher implements Publisher {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;

  public KafkaPublisher(KafkaSettings kafka, int invokerId) {
    Map<String, Object> props = kafka.clientConfig("invoker" + invokerId + "-producer");
    props.put("acks", "all");
    props.put("linger.ms", 0);
    props.put("max.block.ms", 30_000);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kwhisk-publisher-" + invokerId);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public CompletionStage<Void> completion(int controllerId, CompletionMessage completion) {
    return send(Topics.completedTopic(controllerId), completion.activationId(), completion);
  }

  @Override
  public CompletionStage<Void> activation(ActivationRecord record) {
    return send(Topics.ACTIVATIONS, record.activationId(), record);
  }

  @Override
  public CompletionStage<Void> heartbeat(InvokerHeartbeat heartbeat) {
    return send(Topics.HEALTH, Integer.toString(heartbeat.invokerId()), heartbeat);
  }

  private CompletionStage<Void> send(String topic, String key, Object value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      sender.execute(() -> {
        try {
          producer.send(new ProducerRecord<>(topic, key, Json.encode(value)), (meta, error) -> {
            if (error != null) done.completeExceptionally(error);
            else done.complete(null);
          });
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        }
      });
    } catch (RuntimeException rejected) {
      done.completeExceptionally(rejected);
    }
    return done;
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
