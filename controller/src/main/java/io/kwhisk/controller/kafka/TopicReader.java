package io.kwhisk.controller.kafka;

import io.kwhisk.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic on a thread it owns, without a consumer group (each controller sees the whole
 * topic), and hands each record to a handler on that thread. {@link #caughtUp()} completes once the reader has
 * reached the end offsets the topic had when it started, so a caller can wait for a full view.
 *
 * <p>Thread-safety: the consumer is touched only by the owned thread; {@link #close()} crosses threads with
 * {@code wakeup()} alone. A handler that throws loses that record only (it is logged), never the thread.
 */
public final class TopicReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicReader.class);

  private final String topic;
  private final long tail;
  private final Consumer<ConsumerRecord<String, byte[]>> handler;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private volatile boolean running = true;

  /**
   * @param tail how many records before the end of each partition to start at: 0 reads only new records,
   *     {@link Long#MAX_VALUE} reads from the beginning
   */
  public TopicReader(KafkaSettings kafka, String clientId, String topic, long tail,
      Consumer<ConsumerRecord<String, byte[]>> handler) {
    this.topic = topic;
    this.tail = tail;
    this.handler = handler;
    Map<String, Object> props = new HashMap<>(kafka.clientConfig(clientId));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, clientId);
    this.thread.setDaemon(true);
  }

  public TopicReader start() {
    thread.start();
    return this;
  }

  /** Completes when the records present at start have all been handled; fails if the reader died first. */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  private void run() {
    try {
      Map<TopicPartition, Long> ends = assign();
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          try {
            handler.accept(record);
          } catch (RuntimeException e) {
            log.warn("dropping unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.toString());
          }
        }
        if (!caughtUp.isDone() && reached(ends)) caughtUp.complete(null);
      }
    } catch (WakeupException e) {
      if (running) caughtUp.completeExceptionally(e);
    } catch (RuntimeException e) {
      log.error("reader of {} stopped", topic, e);
      caughtUp.completeExceptionally(e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
      caughtUp.completeExceptionally(new IllegalStateException("reader of " + topic + " closed"));
    }
  }

  private Map<TopicPartition, Long> assign() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    while (running && (infos == null || infos.isEmpty())) {
      sleep();
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    }
    List<TopicPartition> parts = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> begins = consumer.beginningOffsets(parts);
    Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
    for (TopicPartition tp : parts) {
      long end = ends.get(tp);
      long start = tail >= end ? begins.get(tp) : Math.max(begins.get(tp), end - tail);
      consumer.seek(tp, start);
    }
    if (reached(ends)) caughtUp.complete(null);
    return ends;
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) return false;
    }
    return true;
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
