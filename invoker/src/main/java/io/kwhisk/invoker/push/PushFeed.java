package io.kwhisk.invoker.push;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.kafka.TopicPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Topics#invokerActivationsTopic} with a classic consumer on its own thread (which
 * alone uses the consumer after start-up) and hands each poll's activations to the push pool, as
 * OpenWhisk's invoker reads its {@code invoker<N>} topic.
 *
 * <p>Position: every partition is assigned (no rebalance to wait for) and reading resumes at the
 * group's committed offset, or at the end when the group never committed; fixed before the
 * constructor returns. Offsets are auto-committed once the records were handed over (and on close),
 * so, as in OpenWhisk, an activation is committed before it runs: an invoker that crashes loses
 * what it had queued or running (the caller's blocking wait ends with 202, and no record is
 * written). A graceful stop commits what was read and runs it.
 *
 * <p>Back-pressure: while the pool holds more than {@code maxQueued} activations the feed stops
 * polling.
 */
final class PushFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushFeed.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Consumer<List<PushedActivation>> sink;
  private final IntSupplier queued;
  private final int maxQueued;
  private final Thread thread;
  private volatile boolean stopping;

  PushFeed(
      KafkaSettings kafka,
      int invokerId,
      Consumer<List<PushedActivation>> sink,
      IntSupplier queued,
      int maxQueued) {
    this.sink = sink;
    this.queued = queued;
    this.maxQueued = maxQueued;
    String topic = Topics.invokerActivationsTopic(invokerId);
    Map<String, Object> props = kafka.readerConfig("invoker" + invokerId + "-push");
    props.put("group.id", "invoker" + invokerId + "-push");
    props.put("enable.auto.commit", true);
    props.put("auto.commit.interval.ms", 200);
    props.put("auto.offset.reset", "latest");
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> assigned = TopicPartitions.await(consumer, topic, METADATA);
      consumer.assign(assigned);
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(java.util.Set.copyOf(assigned), METADATA);
      for (TopicPartition tp : assigned) {
        OffsetAndMetadata c = committed.get(tp);
        if (c != null) consumer.seek(tp, c.offset());
        else consumer.seekToEnd(List.of(tp));
        consumer.position(tp);
      }
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.thread = new Thread(this::run, "kwhisk-push-" + invokerId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * False once the feed's thread ended without being asked to stop (it failed: nothing more is
   * read); for the invoker's probes.
   */
  boolean alive() {
    return stopping || thread.isAlive();
  }

  private void run() {
    try {
      while (!stopping) {
        if (queued.getAsInt() > maxQueued) {
          Thread.sleep(10);
          continue;
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        }
        List<PushedActivation> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
          try {
            batch.add(Json.decode(r.value(), PushedActivation.class));
          } catch (RuntimeException e) {
            log.warn(
                "Skipping record {} of {} that is not a pushed activation: {}",
                r.offset(),
                r.topic(),
                e.getMessage());
          }
        }
        if (!batch.isEmpty()) sink.accept(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stopping) log.error("Push feed stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
