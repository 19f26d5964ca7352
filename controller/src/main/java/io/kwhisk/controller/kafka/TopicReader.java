package io.kwhisk.controller.kafka;

import io.kwhisk.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
 * Reads every partition of one topic, or of every topic whose name matches, on a thread it owns, without a consumer
 * group (each controller sees the whole topic), and hands each record to a handler on that thread, saying whether
 * the record was already there when the reader took up its partition (a replayed one) or arrived later (a live
 * one). {@link #caughtUp()} completes once the reader has reached the end offsets the topics had when it started,
 * so a caller can wait for a full view.
 *
 * <p>A reader of matching topics looks for new ones every {@code rediscover}, with one metadata request, and reads
 * them from {@code tail} records before their end like the first ones.
 *
 * <p>Thread-safety: the consumer is touched only by the owned thread; {@link #close()} crosses threads with
 * {@code wakeup()} alone. A handler that throws loses that record only (it is logged), never the thread.
 */
public final class TopicReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicReader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long IDLE_SLICE_MS = 100;

  /** Receives one record; {@code replayed} is true when it was in its partition before the reader took it up. */
  @FunctionalInterface
  public interface Handler {
    void handle(ConsumerRecord<String, byte[]> record, boolean replayed);
  }

  private final String description;
  private final String topic;
  private final Predicate<String> matches;
  private final Duration rediscover;
  private final long tail;
  private final Handler handler;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  /** End offsets when each partition was taken up: records below them are replayed. Owned by the thread. */
  private final Map<TopicPartition, Long> takenUpAt = new HashMap<>();
  private volatile boolean running = true;

  /**
   * A reader of one topic, which it waits for if it does not exist yet.
   *
   * @param tail how many records before the end of each partition to start at: 0 reads only new records,
   *     {@link Long#MAX_VALUE} reads from the beginning
   */
  public TopicReader(KafkaSettings kafka, String clientId, String topic, long tail,
      Consumer<ConsumerRecord<String, byte[]>> handler) {
    this(kafka, clientId, topic, tail, (record, replayed) -> handler.accept(record));
  }

  /** As {@link #TopicReader(KafkaSettings, String, String, long, Consumer)}, telling replayed records apart. */
  public TopicReader(KafkaSettings kafka, String clientId, String topic, long tail, Handler handler) {
    this(kafka, clientId, Objects.requireNonNull(topic, "topic should not be null"), null, null, tail, handler);
  }

  /**
   * A reader of every topic whose name {@code matches}, now and as they appear (looked for every
   * {@code rediscover}); reading none until one exists.
   */
  public TopicReader(KafkaSettings kafka, String clientId, Predicate<String> matches, Duration rediscover, long tail,
      Handler handler) {
    this(kafka, clientId, null, Objects.requireNonNull(matches, "matches should not be null"),
        Objects.requireNonNull(rediscover, "rediscover should not be null"), tail, handler);
  }

  private TopicReader(KafkaSettings kafka, String clientId, String topic, Predicate<String> matches,
      Duration rediscover, long tail, Handler handler) {
    this.description = topic != null ? topic : "topics of " + clientId;
    this.topic = topic;
    this.matches = matches;
    this.rediscover = rediscover;
    this.tail = tail;
    this.handler = Objects.requireNonNull(handler, "handler should not be null");
    Map<String, Object> props = new HashMap<>(kafka.readerConfig(clientId));
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
      takeUp(topic != null ? awaitTopic() : matchingPartitions());
      Map<TopicPartition, Long> initial = Map.copyOf(takenUpAt);
      if (reached(initial)) caughtUp.complete(null);
      long nextLook = rediscover == null ? Long.MAX_VALUE : System.nanoTime() + rediscover.toNanos();
      while (running) {
        if (System.nanoTime() >= nextLook) {
          takeUp(matchingPartitions());
          nextLook = System.nanoTime() + rediscover.toNanos();
        }
        if (takenUpAt.isEmpty()) {
          idle();
          continue;
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          try {
            handler.handle(record, record.offset() < takenUpAt.getOrDefault(
                new TopicPartition(record.topic(), record.partition()), 0L));
          } catch (RuntimeException e) {
            log.warn("dropping unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.toString());
          }
        }
        if (!caughtUp.isDone() && reached(initial)) caughtUp.complete(null);
      }
    } catch (WakeupException e) {
      if (running) caughtUp.completeExceptionally(e);
    } catch (RuntimeException e) {
      log.error("reader of {} stopped", description, e);
      caughtUp.completeExceptionally(e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
      caughtUp.completeExceptionally(new IllegalStateException("reader of " + description + " closed"));
    }
  }

  /** The partitions of the one topic, once it exists. */
  private List<TopicPartition> awaitTopic() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    while (running && (infos == null || infos.isEmpty())) {
      sleep(200);
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    }
    return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  /** The partitions of every matching topic that exists now. */
  private List<TopicPartition> matchingPartitions() {
    return consumer.listTopics(Duration.ofSeconds(30)).entrySet().stream()
        .filter(e -> matches.test(e.getKey()))
        .flatMap(e -> e.getValue().stream().map(p -> new TopicPartition(e.getKey(), p.partition())))
        .toList();
  }

  /** Adds the partitions not read yet, each from {@code tail} records before its end. */
  private void takeUp(List<TopicPartition> partitions) {
    List<TopicPartition> fresh = partitions.stream().filter(tp -> !takenUpAt.containsKey(tp)).toList();
    if (fresh.isEmpty()) return;
    List<TopicPartition> all = new ArrayList<>(takenUpAt.keySet());
    all.addAll(fresh);
    consumer.assign(all);
    Map<TopicPartition, Long> begins = consumer.beginningOffsets(fresh);
    Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
    for (TopicPartition tp : fresh) {
      long end = ends.get(tp);
      long start = tail >= end ? begins.get(tp) : Math.max(begins.get(tp), end - tail);
      consumer.seek(tp, start);
      takenUpAt.put(tp, end);
    }
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) return false;
    }
    return true;
  }

  /** Nothing to read yet: waits for the next look for topics, in slices so that close is prompt. */
  private void idle() {
    long until = System.nanoTime() + (rediscover != null ? rediscover : Duration.ofMillis(200)).toNanos();
    while (running && System.nanoTime() < until) sleep(IDLE_SLICE_MS);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
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
