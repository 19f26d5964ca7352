package io.kwhisk.controller.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends records without blocking the caller: {@code KafkaProducer.send} may block for metadata (up to
 * {@code max.block.ms}), so it runs on one owned thread, and the returned future completes when the broker
 * acknowledged the record (or failed to). Records sent from one thread keep their order.
 */
public final class KafkaPublisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;

  public KafkaPublisher(KafkaProducer<String, byte[]> producer, String threadName) {
    this.producer = producer;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  public CompletableFuture<RecordMetadata> send(String topic, String key, byte[] value) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    try {
      sender.execute(() -> {
        try {
          producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) acked.completeExceptionally(error);
            else acked.complete(metadata);
          });
        } catch (RuntimeException e) {
          acked.completeExceptionally(e);
        }
      });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
