package io.kwhisk.controller.activation;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.activation.StoreOwners.Member;
import io.kwhisk.controller.kafka.ReaderHealth;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitioned activation store's member of consumer group {@link #GROUP}, over every {@code
 * completed<C>} topic, assigned by {@link StoreAssignor} ({@link StoreOwners}): this controller's
 * own topic stays paused here (its completion follower already stores it, and waking waiters needs
 * that), and the topics it adopts from controllers that are gone it copies into the store, each
 * record with the offset after it, resuming where the store's offsets say (a topic adopted before
 * goes on from there; a new one is copied from its beginning). It commits nothing to Kafka: the
 * store keeps its offsets.
 *
 * <p>Threads: one owned thread does every Kafka call and is the store's writer for the adopted
 * topics; {@link #close()} leaves the group (so another member adopts this one's topic at once) and
 * crosses threads with {@code wakeup()} only. The {@link StoreMembership} it updates is read by any
 * thread.
 */
public final class StoreGroup implements AutoCloseable {
  public static final String GROUP = "kwhisk-activation-stores";
  private static final Logger log = LoggerFactory.getLogger(StoreGroup.class);
  private static final Pattern COMPLETED = Pattern.compile("completed[0-9]+");
  private static final Duration POLL = Duration.ofMillis(200);

  /** How soon a controller that started later is seen (pattern subscriptions follow metadata). */
  static final Duration REDISCOVER = Duration.ofSeconds(10);

  private final String own;
  private final ActivationStore store;
  private final StoreMembership membership;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private String name;

  /**
   * Adopted partitions not yet copied up to the end they had when assigned; owned by the thread.
   */
  private final Map<TopicPartition, Long> copying = new HashMap<>();

  private ReaderHealth health;
  private volatile boolean running = true;
  private boolean started;

  public StoreGroup(
      KafkaSettings kafka,
      String clientId,
      Member self,
      ActivationStore store,
      StoreMembership membership,
      Duration sessionTimeout) {
    this.own = Topics.completedTopic(self.controllerId());
    this.store = store;
    this.membership = membership;
    this.name = clientId;
    Map<String, Object> props = new HashMap<>(kafka.readerConfig(clientId));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, StoreAssignor.class.getName());
    props.put(StoreAssignor.CONTEXT, new StoreAssignor.Context(self, membership::members));
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) REDISCOVER.toMillis());
    // The session timeout is how long a killed controller's topic waits for its adopter.
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    props.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.min(1_000, sessionTimeout.toMillis() / 3));
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, clientId);
    this.thread.setDaemon(true);
  }

  /** Reports the member's health under {@code reader}; call before {@link #start()}. */
  public StoreGroup watchedBy(ReaderHealth readers, String reader) {
    this.health = readers;
    this.name = reader;
    return this;
  }

  /** Joins the group. */
  public StoreGroup start() {
    started = true;
    thread.start();
    return this;
  }

  private void run() {
    try {
      consumer.subscribe(COMPLETED, new Listener());
      if (health != null) health.up(name);
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) put(record);
        caughtUp();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      // Reads keep answering 503 rather than a false 404 for the topics this member kept.
      log.error("the activation store's group member stopped: adopted topics are not copied", e);
      membership.copying(true);
      if (health != null) health.down(name);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      if (health != null && !running) health.closed(name);
    }
  }

  private void put(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) return;
    try {
      store.put(
          Json.decode(record.value(), CompletionMessage.class).record(),
          record.value(),
          new ActivationStore.Position(record.topic(), record.partition(), record.offset() + 1));
    } catch (RuntimeException e) {
      log.warn(
          "dropping unreadable completion at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  /** Drops the adopted partitions copied up to their end; the membership learns when all are. */
  private void caughtUp() {
    if (copying.isEmpty()) return;
    copying.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    if (copying.isEmpty()) {
      log.info("the activation store copied every topic it adopted");
      membership.copying(false);
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) return;
      membership.copying(true); // until the next assignment
      revoked.forEach(copying::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      List<TopicPartition> adopted =
          assigned.stream().filter(tp -> !tp.topic().equals(own)).toList();
      consumer.pause(assigned.stream().filter(tp -> tp.topic().equals(own)).toList());
      if (!adopted.isEmpty()) {
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(adopted);
        Map<TopicPartition, Long> ends = consumer.endOffsets(adopted);
        for (TopicPartition tp : adopted) {
          long begin = begins.get(tp);
          long end = ends.get(tp);
          OptionalLong kept = store.resumeAt(tp.topic(), tp.partition());
          long start =
              kept.isPresent() && kept.getAsLong() >= begin && kept.getAsLong() <= end
                  ? kept.getAsLong()
                  : begin;
          consumer.seek(tp, start);
          if (start < end) copying.put(tp, end);
          log.info("the activation store adopts {} from offset {} (end {})", tp, start, end);
        }
      }
      Set<String> keeps = new HashSet<>();
      keeps.add(own);
      assigned.forEach(tp -> keeps.add(tp.topic()));
      membership.kept(keeps);
      membership.copying(!copying.isEmpty());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      onPartitionsRevoked(lost);
    }
  }

  /** Leaves the group, so another member adopts this controller's topic at once. */
  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
