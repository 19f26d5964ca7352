package io.kwhisk.controller.activation;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.kafka.TopicAdmin;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the activations still queued for a deleted action, then deletes the action's topic. Deleting
 * the topic at once would lose every activation accepted and not yet run; instead the drain joins
 * the action's share group as one more member, after the action's containers were told to retire
 * (they finish what they run and give back what they hold), takes every record still available and
 * writes an error record for each ("The action was deleted before the activation could run."), then
 * acknowledges it. It stops when the group has nothing left (its lag is 0 once the drain has been a
 * member for {@link #SETTLE}: records running elsewhere were acknowledged by their containers, with
 * their real records) or after the action's time limit plus {@link #GRACE}, and deletes the topic
 * unless the action was created again meanwhile. Records accepted after the deletion (a new action
 * of the same name) are given back, never ended.
 *
 * <p>Resumable: the drain is noted in the {@link DrainJournal} before the action leaves {@code
 * entities} ({@link #noted}), and the note goes only once the topic was deleted or the action was
 * created again. A controller that stops mid-drain keeps the topic and the note; every controller
 * resumes at its start the drains the journal still notes ({@link #resume}), so a drain cut short
 * is finished by whichever controller starts next (two controllers draining one queue are two
 * members of its group: each record still gets one error record, a second would be a duplicate the
 * controllers drop).
 *
 * <p>One owned thread runs the drains, one after another: its Kafka calls block. At-least-once: a
 * record is acknowledged only after its error record was written; written twice, it is a duplicate
 * the controllers drop.
 */
public final class QueueDrain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueueDrain.class);

  /**
   * Beyond the action's time limit, how long a drain waits for activations running when the action
   * was deleted.
   */
  static final Duration GRACE = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(300);

  /**
   * How long the drain is a member before it trusts a lag of 0: a group's lag may read 0 right
   * after its state is initialised, before the records already queued were fetched; a member of the
   * group fetches them within this.
   */
  static final Duration SETTLE = Duration.ofSeconds(5);

  private static final Duration CALL = Duration.ofSeconds(15);

  private final KafkaSettings kafka;
  private final String clientId;
  private final RecordSender sender;
  private final TopicAdmin topics;
  private final EntityStore entities;
  private final IntConsumer ended;
  private final Clock clock;
  private final ExecutorService thread;
  private final DrainJournal journal;
  private volatile boolean closing;

  /**
   * @param ended told how many activations each drain ended with an error record (metrics)
   */
  public QueueDrain(
      KafkaSettings kafka,
      String clientId,
      RecordSender sender,
      TopicAdmin topics,
      EntityStore entities,
      IntConsumer ended,
      Clock clock) {
    this.kafka = kafka;
    this.clientId = clientId;
    this.sender = sender;
    this.topics = topics;
    this.entities = entities;
    this.ended = ended;
    this.clock = clock;
    this.journal = new DrainJournal(sender);
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, clientId);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Notes that {@code action} is about to be deleted and its queue drained; completes once the note
   * is durable. Called before the action leaves {@code entities}, so that no deleted action's queue
   * is left without a note: a note of an action whose delete then failed is skipped by {@link
   * #resume} as long as the action exists.
   */
  public CompletionStage<Void> noted(Action action) {
    return journal.noted(action);
  }

  /**
   * Resumes the drains the journal notes and no controller finished (start-up, once {@code
   * entities} is read; blocks while the journal is read): a drain whose topic is gone is over, one
   * of an action that exists again is not resumed, every other one is queued on the drain thread
   * and ends every activation left in the topic. Returns how many were resumed.
   */
  public int resume(Duration timeout) throws InterruptedException, TimeoutException {
    int resumed = 0;
    for (Action action : DrainJournal.pending(kafka, clientId + "-journal", timeout)) {
      FullyQualifiedName fqn = action.fqn();
      if (entities.action(fqn).isPresent()) continue; // deleting it failed, or it is being deleted
      try {
        if (!topics.actionTopicExists(fqn, CALL)) {
          journal.done(fqn);
          continue;
        }
      } catch (ExecutionException e) {
        log.warn("Cannot tell whether the queue of {} is left: {}", fqn.path(), e.getCause());
        continue;
      }
      log.info("Resuming the drain of the queue of deleted action {}", fqn.path());
      drain(action, clock.millis()); // the action does not exist: all it queued is older
      resumed++;
    }
    return resumed;
  }

  /**
   * Drains {@code action}, deleted at {@code deletedAt} (epoch ms; activations enqueued later
   * belong to an action created again and are given back), and deletes its topic; completes with
   * how many activations it ended. Returns at once.
   */
  public CompletableFuture<Integer> drain(Action action, long deletedAt) {
    return CompletableFuture.supplyAsync(() -> run(action, deletedAt), thread);
  }

  private int run(Action action, long deletedAt) {
    FullyQualifiedName fqn = action.fqn();
    long deadline =
        System.nanoTime() + Duration.ofMillis(action.limits().timeout()).plus(GRACE).toNanos();
    int count = 0;
    Map<String, Object> props =
        kafka.clientConfig(clientId + "-" + Math.abs(fqn.path().hashCode()));
    props.put("group.id", Topics.actionGroup(fqn));
    props.put("share.acknowledgement.mode", "explicit");
    props.put("max.poll.records", 500);
    try (KafkaShareConsumer<String, byte[]> consumer =
        new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.actionTopic(fqn)));
      long joined = System.nanoTime();
      while (!closing && System.nanoTime() < deadline) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        count += end(consumer, records, action, deletedAt);
        boolean settled = System.nanoTime() - joined >= SETTLE.toNanos();
        if (records.isEmpty() && settled && finished(fqn)) break;
      }
    } catch (RuntimeException e) {
      log.warn("Draining the queue of deleted action {} stopped: {}", fqn.path(), e.toString());
    }
    ended.accept(count);
    if (count > 0)
      log.info("Ended {} queued activation(s) of deleted action {}", count, fqn.path());
    // A drain cut short by a stop keeps the topic, what is left in it and its note: the next
    // controller to start resumes it.
    if (!closing && deleteTopic(fqn)) journal.done(fqn);
    return count;
  }

  /** Writes an error record for each activation of {@code records}, then acknowledges them. */
  private int end(
      KafkaShareConsumer<String, byte[]> consumer,
      ConsumerRecords<String, byte[]> records,
      Action action,
      long deletedAt) {
    if (records.isEmpty()) return 0;
    List<CompletableFuture<?>> writes = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> written = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      ActivationMessage m = decode(r);
      if (m == null || m.enqueuedAt() > deletedAt) {
        consumer.acknowledge(r, m == null ? AcknowledgeType.REJECT : AcknowledgeType.RELEASE);
        continue;
      }
      CompletionMessage c =
          ErrorRecords.completion(
              m, Optional.of(action), ErrorRecords.ACTION_DELETED, clock.millis());
      writes.add(
          sender.send(Topics.completedTopic(m.controllerId()), m.activationId(), Json.encode(c)));
      written.add(r);
    }
    boolean ok = true;
    try {
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
          .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    } catch (Exception e) {
      log.warn(
          "Writing error records of deleted action {} failed: {}",
          action.fqn().path(),
          e.toString());
      ok = false;
    }
    for (ConsumerRecord<String, byte[]> r : written) {
      consumer.acknowledge(r, ok ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
    }
    consumer.commitSync(CALL);
    return ok ? written.size() : 0;
  }

  /** True when the group has no record left to finish; unknown counts as not finished. */
  private boolean finished(FullyQualifiedName fqn) {
    try {
      OptionalLong lag = topics.shareLag(fqn, CALL);
      return lag.isPresent() && lag.getAsLong() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Deletes the topic unless the action exists again; true when the drain is over. */
  private boolean deleteTopic(FullyQualifiedName fqn) {
    if (entities.action(fqn).isPresent()) {
      log.info("Action {} was created again while its queue drained: its topic stays", fqn.path());
      return true;
    }
    try {
      topics
          .deleteActionTopic(fqn)
          .toCompletableFuture()
          .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Deleting the topic of action {} failed: {}", fqn.path(), e.toString());
    }
    return false;
  }

  private static ActivationMessage decode(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) return null;
    try {
      return Json.decode(r.value(), ActivationMessage.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    closing = true;
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
