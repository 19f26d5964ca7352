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
import io.kwhisk.controller.kafka.ReaderHealth;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
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
 * <p>Adopted when its controller dies: the drain is noted in the {@link DrainJournal} before the
 * action leaves {@code entities} ({@link #noted}), noted again every {@link #NOTE_EVERY} while this
 * controller holds it (queued or running), and the note goes only once the topic was deleted or the
 * action was created again. Every controller follows the journal ({@link #follow}); a note older
 * than {@link #STALE} is a drain whose controller died or stopped mid-drain, and the controller
 * that owns the action in the scheduling group adopts it ({@link #adopts}) and finishes it, so a
 * dead controller's drain ends about {@link #STALE} after its last note (a lone controller owns
 * every action: it adopts its own drains when it starts again). Two controllers draining one queue
 * (a note refreshed late) are two members of its group: each record still gets one error record, a
 * second would be a duplicate the controllers drop.
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

  /** How often this controller notes again each drain it holds, queued or running. */
  static final Duration NOTE_EVERY = Duration.ofSeconds(5);

  /**
   * A note this old is a drain nobody drives any more: its controller died (or stopped), since a
   * live one notes again every {@link #NOTE_EVERY}. Three missed notes, so that one slow write is
   * no takeover.
   */
  static final Duration STALE = Duration.ofSeconds(15);

  /** How often the journal's notes are checked for drains to adopt, and notes are due. */
  private static final Duration TICK = Duration.ofSeconds(1);

  private final KafkaSettings kafka;
  private final String clientId;
  private final RecordSender sender;
  private final TopicAdmin topics;
  private final EntityStore entities;
  private final IntConsumer ended;
  private final Clock clock;
  private final ExecutorService thread;
  private final DrainJournal journal;

  /**
   * The drains this controller holds, queued or running, by action path (code left out). Notes of
   * them and their removal are written under its lock, so no progress note follows a tombstone.
   */
  private final Map<String, Action> held = new ConcurrentHashMap<>();

  private final ScheduledExecutorService ticker;
  private DrainJournal.Followed followed;
  private Predicate<String> owns = path -> false;
  private long lastNoted;
  private volatile boolean closing;

  /**
   * @param controller this controller's id, written in its notes
   * @param ended told how many activations each drain ended with an error record (metrics)
   */
  public QueueDrain(
      KafkaSettings kafka,
      int controller,
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
    this.journal = new DrainJournal(sender, controller, clock);
    this.thread = Executors.newSingleThreadExecutor(r -> daemon(r, clientId));
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, clientId + "-journal"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Notes that {@code action} is about to be deleted and its queue drained; completes once the note
   * is durable. Called before the action leaves {@code entities}, so that no deleted action's queue
   * is left without a note: a note of an action whose delete then failed goes when it is adopted.
   */
  public CompletionStage<Void> noted(Action action) {
    return journal.noted(action);
  }

  /**
   * Follows the journal from now on: every {@link #TICK} this controller notes again the drains it
   * holds (every {@link #NOTE_EVERY}) and adopts those whose note {@link #adopts} says are its own
   * to finish, {@code owns} telling which actions the scheduling group gave it. Call once, after
   * {@code entities} was read.
   */
  public QueueDrain follow(ReaderHealth readers, Predicate<String> owns) {
    this.owns = owns;
    this.followed =
        DrainJournal.follow(kafka, clientId + "-journal").watchedBy(readers, "drains").start();
    ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Whether this controller adopts the drain {@code note} describes, at {@code now} (epoch ms):
   * when it owns the action, does not hold the drain already, and the note is at least {@link
   * #STALE} old (its controller stopped noting it: dead, stopped or cut off).
   */
  static boolean adopts(DrainJournal.Note note, long now, boolean owned, boolean heldHere) {
    return owned && !heldHere && now - note.notedAt() >= STALE.toMillis();
  }

  private void tick() {
    try {
      long now = clock.millis();
      if (now - lastNoted >= NOTE_EVERY.toMillis()) {
        lastNoted = now;
        synchronized (held) {
          held.values().forEach(journal::noted);
        }
      }
      for (DrainJournal.Note note : followed.notes()) {
        if (adopts(note, now, owns.test(note.path()), held.containsKey(note.path()))) adopt(note);
      }
    } catch (RuntimeException e) {
      log.warn("Checking the drain journal failed: {}", e.toString());
    }
  }

  /**
   * Finishes a drain nobody drives: a note of an action that exists (a delete that failed, or an
   * action created again) goes, as does one whose topic is gone; otherwise the queue is drained.
   */
  private void adopt(DrainJournal.Note note) {
    Action action = note.action();
    FullyQualifiedName fqn = action.fqn();
    held.put(fqn.path(), action);
    log.info(
        "Adopting the drain of the queue of deleted action {} from controller {}, silent for {} ms",
        fqn.path(),
        note.controller(),
        clock.millis() - note.notedAt());
    thread.execute(
        () -> {
          boolean over = entities.action(fqn).isPresent();
          try {
            over = over || !topics.actionTopicExists(fqn, CALL);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot tell whether the queue of {} is left: {}", fqn.path(), e.toString());
          }
          if (over) {
            release(fqn, true);
          } else {
            // The action does not exist: all it queued is older than now.
            run(action, clock.millis());
          }
        });
  }

  /** This controller no longer holds the drain of {@code fqn}; {@code done}: its note goes. */
  private void release(FullyQualifiedName fqn, boolean done) {
    synchronized (held) {
      held.remove(fqn.path());
      if (done) journal.done(fqn);
    }
  }

  /**
   * Drains {@code action}, deleted at {@code deletedAt} (epoch ms; activations enqueued later
   * belong to an action created again and are given back), and deletes its topic; completes with
   * how many activations it ended. Returns at once.
   */
  public CompletableFuture<Integer> drain(Action action, long deletedAt) {
    held.put(action.fqn().path(), action.withExec(action.exec().withCode(null)));
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
    // A drain cut short by a stop keeps the topic, what is left in it and its note: the action's
    // owner adopts it once the note is stale.
    release(fqn, !closing && deleteTopic(fqn));
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
    ticker.shutdownNow();
    if (followed != null) followed.close();
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
