package io.kwhisk.common.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends records through one {@link KafkaProducer} without blocking callers that must not block (actors, HTTP
 * handlers). {@code KafkaProducer.send} blocks while it fetches the metadata of a topic it has not written to yet
 * (up to {@code max.block.ms}), so the first sends to a topic run on one owned thread; once a send to a topic has
 * been accepted its metadata is cached and later sends to it are issued on the caller's thread, which saves a
 * thread hand-off on every activation. Such a send can still block only when the producer's buffer is full, that is
 * when Kafka is unreachable. The returned future completes when the broker acknowledged the record, or failed to.
 * Records of one caller to one topic keep their order once the topic is known. Thread-safe.
 */
public final class RecordSender implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService firstSends;
  /** Topics whose metadata the producer has: sends to them do not block. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  public RecordSender(KafkaProducer<String, byte[]> producer, String threadName) {
    this.producer = Objects.requireNonNull(producer, "producer should not be null");
    this.firstSends = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  public CompletableFuture<RecordMetadata> send(String topic, String key, byte[] value) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    if (known.contains(topic)) {
      sendNow(topic, key, value, acked);
      return acked;
    }
    try {
      firstSends.execute(() -> {
        if (sendNow(topic, key, value, acked)) known.add(topic);
      });
    } catch (RuntimeException rejected) {
      acked.completeExceptionally(rejected);
    }
    return acked;
  }

  /** True if the producer took the record (so it has the topic's metadata). */
  private boolean sendNow(String topic, String key, byte[] value, CompletableFuture<RecordMetadata> acked) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
        if (error != null) acked.completeExceptionally(error);
        else acked.complete(metadata);
      });
      return true;
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
      return false;
    }
  }

  /** Stops taking first sends, waits up to {@code timeout} for queued ones, then closes the producer. */
  public void close(Duration timeout) {
    firstSends.shutdown();
    try {
      firstSends.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
