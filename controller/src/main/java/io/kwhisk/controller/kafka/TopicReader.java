package io.kwhisk.controller.kafka;

import io.kwhisk.common.kafka.KafkaSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * Reads every partition of one topic, or of every topic whose name matches, on a thread it owns,
 * without a consumer group (each controller sees the whole topic), and hands each record to a
 * handler on that thread, saying whether the record was already there when the reader took up its
 * partition (a replayed one) or arrived later (a live one). {@link #caughtUp()} completes once the
 * reader has reached the end offsets the topics had when it started, so a caller can wait for a
 * full view.
 *
 * <p>A reader of matching topics looks for new ones every {@code rediscover}, with one metadata
 * request, and reads them from {@code tail} records before their end like the first ones.
 *
 * <p>Thread-safety: the consumer is touched only by the owned thread; {@link #close()} crosses
 * threads with {@code wakeup()} alone. A handler that throws loses that record only (it is logged),
 * never the thread.
 */
public final class TopicReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicReader.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long IDLE_SLICE_MS = 100;

  /**
   * How long a metadata call may wait for Kafka before the reader counts as failed (and is
   * restarted): short, so that {@code /ready} tells an outage within seconds.
   */
  private static final Duration METADATA = Duration.ofSeconds(5);

  /**
   * Receives one record; {@code replayed} is true when it was in its partition before the reader
   * took it up.
   */
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
  private final Map<String, Object> props;
  private final Thread thread;

  /**
   * The current consumer; replaced after a failure. Owned by the thread ({@link #close} only wakes
   * it).
   */
  private volatile KafkaConsumer<String, byte[]> consumer;

  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

  /**
   * End offsets when each partition was taken up: records below them are replayed. Owned by the
   * thread.
   */
  private final Map<TopicPartition, Long> takenUpAt = new HashMap<>();

  /**
   * Where a restarted consumer resumes each partition: after the last handled record. Owned by the
   * thread.
   */
  private final Map<TopicPartition, Long> resumeAt = new HashMap<>();

  /**
   * The end offsets when the reader started, which {@link #caughtUp()} waits for. Owned by the
   * thread.
   */
  private Map<TopicPartition, Long> initial = Map.of();

  private ReaderHealth health;
  private String name;

  /** The current consumer's client meters, if its health binds them; owned by the thread. */
  private KafkaClientMetrics meters;

  /** Where a partition is taken up when its position was kept elsewhere; empty: {@code tail}. */
  private Function<TopicPartition, OptionalLong> startAt = tp -> OptionalLong.empty();

  /** Failures since the reader last read; owned by the thread. */
  private int failures;

  private volatile boolean running = true;

  /**
   * A reader of one topic, which it waits for if it does not exist yet.
   *
   * @param tail how many records before the end of each partition to start at: 0 reads only new
   *     records, {@link Long#MAX_VALUE} reads from the beginning
   */
  public TopicReader(
      KafkaSettings kafka,
      String clientId,
      String topic,
      long tail,
      Consumer<ConsumerRecord<String, byte[]>> handler) {
    this(kafka, clientId, topic, tail, (record, replayed) -> handler.accept(record));
  }

  /**
   * As {@link #TopicReader(KafkaSettings, String, String, long, Consumer)}, telling replayed
   * records apart.
   */
  public TopicReader(
      KafkaSettings kafka, String clientId, String topic, long tail, Handler handler) {
    this(
        kafka,
        clientId,
        Objects.requireNonNull(topic, "topic should not be null"),
        null,
        null,
        tail,
        handler);
  }

  /**
   * A reader of every topic whose name {@code matches}, now and as they appear (looked for every
   * {@code rediscover}); reading none until one exists.
   */
  public TopicReader(
      KafkaSettings kafka,
      String clientId,
      Predicate<String> matches,
      Duration rediscover,
      long tail,
      Handler handler) {
    this(
        kafka,
        clientId,
        null,
        Objects.requireNonNull(matches, "matches should not be null"),
        Objects.requireNonNull(rediscover, "rediscover should not be null"),
        tail,
        handler);
  }

  private TopicReader(
      KafkaSettings kafka,
      String clientId,
      String topic,
      Predicate<String> matches,
      Duration rediscover,
      long tail,
      Handler handler) {
    this.description = topic != null ? topic : "topics of " + clientId;
    this.topic = topic;
    this.matches = matches;
    this.rediscover = rediscover;
    this.tail = tail;
    this.handler = Objects.requireNonNull(handler, "handler should not be null");
    this.props = new HashMap<>(kafka.readerConfig(clientId));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    this.thread = new Thread(this::run, clientId);
    this.thread.setDaemon(true);
  }

  public TopicReader start() {
    thread.start();
    return this;
  }

  /**
   * Completes when the records present at start have all been handled; fails if the reader died
   * first.
   */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  /**
   * Reports this reader's health to {@code health} under {@code name} (a fixed name, never an id);
   * call before {@link #start()}.
   */
  public TopicReader watchedBy(ReaderHealth health, String name) {
    this.health = Objects.requireNonNull(health, "health should not be null");
    this.name = Objects.requireNonNull(name, "name should not be null");
    return this;
  }

  /**
   * Takes each partition up at the offset {@code startAt} returns for it (a position its handler
   * kept, say in a store beside what it read) rather than {@code tail} records before its end; an
   * offset beyond the end (the topic was made again) starts at the beginning, one before it at the
   * beginning too. Call before {@link #start()}.
   */
  public TopicReader startingAt(Function<TopicPartition, OptionalLong> startAt) {
    this.startAt = Objects.requireNonNull(startAt, "startAt should not be null");
    return this;
  }

  /**
   * Reads until closed. A consumer that fails (a metadata call timing out while Kafka is away, any
   * client error) is closed and a new one resumes where the last handled record left off, after a
   * back-off that doubles with each failure in a row ({@link ReaderHealth#backoff}); meanwhile the
   * reader counts as down.
   */
  private void run() {
    while (running) {
      try {
        if (consumer == null) consumer = newConsumer();
        if (takenUpAt.isEmpty()) {
          takeUp(topic != null ? awaitTopic() : matchingPartitions());
          initial = Map.copyOf(takenUpAt);
        } else {
          resume();
        }
        read();
      } catch (WakeupException e) {
        if (running) failed(e);
      } catch (RuntimeException e) {
        failed(e);
      } finally {
        if (running) closeConsumer();
      }
      if (running) sleep(ReaderHealth.backoff(failures));
    }
    closeConsumer();
    if (health != null) health.closed(name);
    caughtUp.completeExceptionally(
        new IllegalStateException("reader of " + description + " closed"));
  }

  /** Reads with the current consumer until closed or it fails. */
  private void read() {
    if (!caughtUp.isDone() && reached(initial)) caughtUp.complete(null);
    long nextLook = rediscover == null ? Long.MAX_VALUE : System.nanoTime() + rediscover.toNanos();
    while (running) {
      if (health != null) health.up(name);
      if (System.nanoTime() >= nextLook) {
        takeUp(matchingPartitions());
        nextLook = System.nanoTime() + rediscover.toNanos();
      }
      if (takenUpAt.isEmpty()) {
        idle();
        continue;
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        try {
          handler.handle(record, record.offset() < takenUpAt.getOrDefault(tp, 0L));
        } catch (RuntimeException e) {
          log.warn(
              "dropping unreadable record at {}-{}@{}: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              e.toString());
        }
        resumeAt.put(tp, record.offset() + 1);
      }
      if (!caughtUp.isDone() && reached(initial)) caughtUp.complete(null);
      failures = 0;
    }
  }

  private void failed(RuntimeException e) {
    failures++;
    if (health != null) health.down(name);
    log.warn(
        "reader of {} failed ({} in a row), restarting it: {}",
        description,
        failures,
        e.toString());
  }

  /** A restarted consumer takes up every partition again where the last handled record left off. */
  private void resume() {
    consumer.assign(List.copyOf(takenUpAt.keySet()));
    for (TopicPartition tp : takenUpAt.keySet()) consumer.seek(tp, resumeAt.get(tp));
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    if (health != null) meters = health.bindClientMeters(c);
    return c;
  }

  private void closeConsumer() {
    KafkaConsumer<String, byte[]> c = consumer;
    consumer = null;
    if (meters != null) meters.close();
    meters = null;
    if (c == null) return;
    try {
      c.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    } catch (RuntimeException e) {
      log.debug("closing the reader of {} failed: {}", description, e.toString());
    }
  }

  /** The partitions of the one topic, once it exists. */
  private List<TopicPartition> awaitTopic() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA);
    while (running && (infos == null || infos.isEmpty())) {
      sleep(200);
      infos = consumer.partitionsFor(topic, METADATA);
    }
    return infos == null
        ? List.of()
        : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  /** The partitions of every matching topic that exists now. */
  private List<TopicPartition> matchingPartitions() {
    return consumer.listTopics(METADATA).entrySet().stream()
        .filter(e -> matches.test(e.getKey()))
        .flatMap(e -> e.getValue().stream().map(p -> new TopicPartition(e.getKey(), p.partition())))
        .toList();
  }

  /** Adds the partitions not read yet, each from {@code tail} records before its end. */
  private void takeUp(List<TopicPartition> partitions) {
    List<TopicPartition> fresh =
        partitions.stream().filter(tp -> !takenUpAt.containsKey(tp)).toList();
    if (fresh.isEmpty()) return;
    List<TopicPartition> all = new ArrayList<>(takenUpAt.keySet());
    all.addAll(fresh);
    consumer.assign(all);
    Map<TopicPartition, Long> begins = consumer.beginningOffsets(fresh);
    Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
    for (TopicPartition tp : fresh) {
      long end = ends.get(tp);
      long begin = begins.get(tp);
      OptionalLong kept = startAt.apply(tp);
      long start;
      if (kept.isPresent()) {
        long at = kept.getAsLong();
        start = at > end || at < begin ? begin : at;
        log.info("{} resumes at its stored offset {} (end {})", tp, start, end);
      } else {
        start = tail >= end ? begin : Math.max(begin, end - tail);
      }
      consumer.seek(tp, start);
      takenUpAt.put(tp, end);
      resumeAt.put(tp, start);
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
    long until =
        System.nanoTime() + (rediscover != null ? rediscover : Duration.ofMillis(200)).toNanos();
    while (running && System.nanoTime() < until) sleep(IDLE_SLICE_MS);
  }

  /** Waits {@code d} before a restart, in slices so that close is prompt. */
  private void sleep(Duration d) {
    long until = System.nanoTime() + d.toNanos();
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
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) c.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
