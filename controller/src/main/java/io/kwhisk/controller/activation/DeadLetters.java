package io.kwhisk.controller.activation;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.log.ActivationMdc;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.kafka.ReaderHealth;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the dead letters of action share groups ({@link Topics#DEAD_LETTERS}: activations the
 * broker gave up on after the group's delivery limit, copied there whole) into whisk error records,
 * so that an activation whose every delivery failed (its containers crashed, or could not write its
 * completion) still ends with a record its caller can read.
 *
 * <p>Every controller is a member of one consumer group, {@value #GROUP}, so each dead letter is
 * handled by one of them. At-least-once: offsets are committed only after the records of a poll
 * were written; a record handled twice is a duplicate completion, which controllers drop. A dead
 * letter that is not an activation is skipped.
 *
 * <p>Threads: the consumer belongs to the owned thread, which may block on Kafka; {@link #close()}
 * crosses with {@code wakeup()} alone. A failure restarts the consumer after a back-off ({@link
 * ReaderHealth#backoff}).
 */
public final class DeadLetters implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  static final String GROUP = "kwhisk-dead-letters";

  /** The broker's header naming how often the record was delivered (KIP-1191). */
  static final String DELIVERY_COUNT_HEADER = "__dlq.errors.delivery.count";

  static final String READER = "dead-letters";
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration WRITE = Duration.ofSeconds(30);

  private final Map<String, Object> props;
  private final RecordSender sender;
  private final EntityStore entities;
  private final ReaderHealth health;
  private final IntConsumer written;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;

  /**
   * @param written told how many error records each poll wrote (metrics)
   */
  public DeadLetters(
      KafkaSettings kafka,
      String clientId,
      RecordSender sender,
      EntityStore entities,
      ReaderHealth health,
      IntConsumer written,
      Clock clock) {
    this.props = kafka.readerConfig(clientId);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    this.sender = sender;
    this.entities = entities;
    this.health = health;
    this.written = written;
    this.clock = clock;
    this.thread = new Thread(this::run, clientId);
    this.thread.setDaemon(true);
  }

  public DeadLetters start() {
    thread.start();
    return this;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try {
        consumer =
            new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.DEAD_LETTERS));
        while (running) {
          ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
          health.up(READER);
          failures = 0;
          if (records.isEmpty()) continue;
          written.accept(handle(records));
          consumer.commitSync();
        }
      } catch (WakeupException e) {
        if (running) failures = failed(failures, e);
      } catch (RuntimeException e) {
        failures = failed(failures, e);
      } finally {
        closeConsumer();
      }
      if (running) sleep(ReaderHealth.backoff(failures));
    }
    health.closed(READER);
  }

  private int failed(int failures, RuntimeException e) {
    health.down(READER);
    log.warn(
        "Dead-letter follower failed ({} in a row), restarting it: {}", failures + 1, e.toString());
    return failures + 1;
  }

  /**
   * Writes an error record for each activation of {@code records}; returns how many, once all were
   * written.
   */
  private int handle(ConsumerRecords<String, byte[]> records) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      ActivationMessage m = decode(r);
      if (m == null) continue;
      int deliveries = deliveryCount(r);
      CompletionMessage c =
          ErrorRecords.completion(
              m,
              entities.action(m.action()),
              String.format(ErrorRecords.UNDELIVERABLE, deliveries),
              clock.millis());
      try (var mdc = ActivationMdc.put(m.activationId(), m.action().path(), null)) {
        log.warn(
            "Activation {} of {} was given up after {} deliveries; it ends with an error record",
            m.activationId(),
            m.action().path(),
            deliveries);
      }
      writes.add(
          sender.send(Topics.completedTopic(m.controllerId()), m.activationId(), Json.encode(c)));
    }
    try {
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
          .get(WRITE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing error records", e);
    } catch (Exception e) {
      throw new IllegalStateException("writing error records failed: " + e.getMessage(), e);
    }
    return writes.size();
  }

  private static ActivationMessage decode(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) return null;
    try {
      return Json.decode(r.value(), ActivationMessage.class);
    } catch (RuntimeException e) {
      log.warn("Skipping dead letter {} that is not an activation: {}", r.offset(), e.getMessage());
      return null;
    }
  }

  /**
   * The delivery count the broker put in the dead letter's headers, or 0 when absent or unreadable.
   */
  static int deliveryCount(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(DELIVERY_COUNT_HEADER);
    if (h == null || h.value() == null) return 0;
    String text = new String(h.value(), StandardCharsets.UTF_8).trim();
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      // Not text: a big-endian short or int.
      int v = 0;
      for (byte b : h.value()) v = (v << 8) | (b & 0xff);
      return h.value().length <= 4 ? v : 0;
    }
  }

  private void closeConsumer() {
    KafkaConsumer<String, byte[]> c = consumer;
    consumer = null;
    if (c == null) return;
    try {
      c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    } catch (RuntimeException e) {
      log.debug("closing the dead-letter consumer failed: {}", e.toString());
    }
  }

  private void sleep(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    while (running && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(100, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()) + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) c.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
