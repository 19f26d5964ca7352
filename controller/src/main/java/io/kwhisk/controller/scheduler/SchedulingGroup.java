package io.kwhisk.controller.scheduler;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers' scheduling group: every controller of a deployment with several joins consumer
 * group {@link #GROUP} on {@link #TOPIC}, and the partitions Kafka assigns it say which actions it
 * schedules ({@link Ownership}); Kafka moves them when a controller stops (at once when it leaves,
 * after the session timeout when it dies) or joins, with the cooperative protocol, so a partition
 * is revoked from one controller before another gets it. It also carries the {@link DemandReport}s:
 * a controller produces them keyed by the action's path, so they land on the owner's partition,
 * whose consumer tells its scheduler. Its thread does every blocking call; it reads from the end (a
 * report is refreshed every second, so none from before matters) and commits nothing.
 */
public final class SchedulingGroup implements DemandReports, AutoCloseable {
  public static final String TOPIC = "kwhisk-scheduling";
  public static final String GROUP = "kwhisk-schedulers";
  private static final Logger log = LoggerFactory.getLogger(SchedulingGroup.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final RecordSender publisher;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final int partitions;
  private final Set<Integer> owned = new HashSet<>();
  private ActorRef<Scheduler.Command> scheduler;
  private volatile Ownership current;
  private volatile boolean running = true;

  /** Reads the topic's partitions (it must exist); joins the group only on {@link #start}. */
  public SchedulingGroup(KafkaSettings kafka, String clientId, RecordSender publisher) {
    this.publisher = publisher;
    Map<String, Object> props = new HashMap<>(kafka.readerConfig(clientId));
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<PartitionInfo> infos = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(TOPIC + " has no partitions");
    }
    this.partitions = infos.size();
    this.current = Ownership.none(partitions);
    this.thread = new Thread(this::run, clientId);
    this.thread.setDaemon(true);
  }

  /** What the scheduler owns until the group assigns it partitions: nothing. */
  public Ownership initial() {
    return Ownership.none(partitions);
  }

  /**
   * The partitions the group assigned this controller last (for tests and diagnostics; the actor is
   * told).
   */
  public Ownership ownership() {
    return current;
  }

  /**
   * The actions a controller schedules: every one for a lone controller ({@code group} null), else
   * those of the partitions {@code group} assigned it last.
   */
  public static Ownership ownershipOf(SchedulingGroup group) {
    return group == null ? Ownership.ALL : group.ownership();
  }

  /** Joins the group; ownership changes and the reports read go to {@code to}. */
  public SchedulingGroup start(ActorRef<Scheduler.Command> to) {
    this.scheduler = to;
    thread.start();
    return this;
  }

  @Override
  public void send(DemandReport report) {
    publisher
        .send(TOPIC, report.action().fqn().path(), Json.encode(report))
        .whenComplete(
            (meta, error) -> {
              if (error != null)
                log.debug(
                    "cannot report the demand of {}: {}", report.action().fqn(), error.toString());
            });
  }

  private void run() {
    try {
      consumer.subscribe(
          List.of(TOPIC),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
              revoked.forEach(tp -> owned.remove(tp.partition()));
              if (!revoked.isEmpty()) tell();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
              assigned.forEach(tp -> owned.add(tp.partition()));
              if (!assigned.isEmpty()) tell();
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> lost) {
              onPartitionsRevoked(lost);
            }
          });
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          if (record.value() == null) continue;
          try {
            scheduler.tell(
                new Scheduler.DemandReported(Json.decode(record.value(), DemandReport.class)));
          } catch (RuntimeException e) {
            log.warn(
                "dropping unreadable demand report at {}-{}@{}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error(
          "the scheduling group's consumer stopped: this controller schedules nothing more", e);
      owned.clear();
      tell();
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void tell() {
    current = new Ownership(partitions, owned);
    scheduler.tell(new Scheduler.OwnershipChanged(current));
  }

  /** Leaves the group, so the other controllers take this one's actions over at once. */
  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      if (scheduler == null) consumer.close();
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
