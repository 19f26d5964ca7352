package io.kwhisk.invoker.publish;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * The invoker's one {@link KafkaProducer}, shared by the pool and every proxy. {@code send} blocks while it fetches
 * the metadata of a topic it has not written to yet, so the first sends to a topic are issued from one owned thread,
 * {@code kwhisk-publisher}; once a send to a topic has returned its metadata is cached and later sends to it are
 * issued on the caller's thread, which saves a thread hand-off on every completion (the activation's critical
 * path). Such a send can still block only when the producer's buffer is full ({@code buffer.memory}, 32 MB), that
 * is when Kafka is unreachable. Writes of one caller to one topic keep their order once the topic is known.
 */
public final class KafkaPublisher implements Publisher {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;
  /** Topics whose metadata the producer has: sends to them do not block. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();

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
    byte[] bytes = Json.encode(value);
    if (known.contains(topic)) {
      sendNow(topic, key, bytes, done);
      return done;
    }
    try {
      sender.execute(() -> {
        if (sendNow(topic, key, bytes, done)) known.add(topic);
      });
    } catch (RuntimeException rejected) {
      done.completeExceptionally(rejected);
    }
    return done;
  }

  /** True if the producer took the record (so it has the topic's metadata). */
  private boolean sendNow(String topic, String key, byte[] bytes, CompletableFuture<Void> done) {
    try {
      producer.send(new ProducerRecord<>(topic, key, bytes), (meta, error) -> {
        if (error != null) done.completeExceptionally(error);
        else done.complete(null);
      });
      return true;
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return false;
    }
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
