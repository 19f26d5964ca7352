package io.kwhisk.controller.activation;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.ReaderHealth;
import io.kwhisk.controller.kafka.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drains not yet finished, on the compacted {@link Topics#DRAINS} topic keyed by the action's
 * path: a {@link Note} (the deleted action, its code left out, the controller draining it and when
 * it last said so) is durable before the action leaves {@code entities}, the controller draining it
 * writes it again every {@link QueueDrain#NOTE_EVERY} while the drain lasts, and a tombstone
 * follows once the action's topic was deleted (or the action was created again). Records of one key
 * keep their order (one partition), so the last word is the latest one's. Writes never block;
 * {@link #pending} blocks (tests and diagnostics).
 */
final class DrainJournal {
  private static final Logger log = LoggerFactory.getLogger(DrainJournal.class);

  /**
   * A drain in progress: {@code controller} drains {@code action} and said so last at {@code
   * notedAt} (epoch ms, its clock). A note older than {@link QueueDrain#STALE} is a drain whose
   * controller died or stopped: the action's owner adopts it.
   */
  record Note(Action action, int controller, long notedAt) {
    String path() {
      return action.fqn().path();
    }
  }

  private final RecordSender sender;
  private final int controller;
  private final Clock clock;

  DrainJournal(RecordSender sender, int controller, Clock clock) {
    this.sender = sender;
    this.controller = controller;
    this.clock = clock;
  }

  /**
   * Notes that this controller drains {@code action} (again: a progress note); completes once the
   * note is durable.
   */
  CompletionStage<Void> noted(Action action) {
    Action withoutCode = action.withExec(action.exec().withCode(null));
    Note note = new Note(withoutCode, controller, clock.millis());
    return sender.send(Topics.DRAINS, note.path(), Json.encode(note)).thenApply(m -> null);
  }

  /** The drain of {@code action} is over: its note goes. Best effort. */
  void done(FullyQualifiedName action) {
    sender
        .send(Topics.DRAINS, action.path(), null)
        .whenComplete(
            (m, e) -> {
              // A note left behind is harmless: it is adopted, and a drain with nothing left (or
              // no topic) removes it.
              if (e != null)
                log.warn("the drain note of {} could not be removed: {}", action.path(), e);
            });
  }

  /**
   * Follows the journal from its beginning on a thread of its own: {@link Followed#notes} is what
   * it notes now. The reader polls with Kafka's long fetch wait (the journal is idle nearly always)
   * and is restarted with back-off after a failure.
   */
  static Followed follow(KafkaSettings kafka, String clientId) {
    return new Followed(kafka, clientId);
  }

  /** The journal as read so far; {@link #notes} is safe from any thread. */
  static final class Followed implements AutoCloseable {
    private final Map<String, Note> notes = new ConcurrentHashMap<>();
    private final TopicReader reader;

    private Followed(KafkaSettings kafka, String clientId) {
      this.reader = new TopicReader(kafka, clientId, Topics.DRAINS, Long.MAX_VALUE, this::read);
    }

    Followed watchedBy(ReaderHealth health, String name) {
      reader.watchedBy(health, name);
      return this;
    }

    Followed start() {
      reader.start();
      return this;
    }

    /** The notes of drains not finished, by action path (a live view). */
    Collection<Note> notes() {
      return notes.values();
    }

    /** Once the journal was read to the end it had when the follower started. */
    void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
      try {
        reader.caughtUp().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the drain journal's reader stopped", e.getCause());
      }
    }

    private void read(ConsumerRecord<String, byte[]> r) {
      if (r.value() == null) {
        notes.remove(r.key());
        return;
      }
      Note note = decode(r);
      if (note != null) notes.put(r.key(), note);
    }

    @Override
    public void close() {
      reader.close();
    }
  }

  /**
   * A note, or a note of the first format (the action alone, dated by its record's timestamp and
   * from no known controller); null if it is neither.
   */
  static Note decode(ConsumerRecord<String, byte[]> r) {
    try {
      Note note = Json.decode(r.value(), Note.class);
      if (note.action() != null) return note;
      return new Note(Json.decode(r.value(), Action.class), -1, r.timestamp());
    } catch (RuntimeException e) {
      log.warn("skipping drain note {} that is not a note: {}", r.key(), e.getMessage());
      return null;
    }
  }

  /** The drains noted and not finished: the journal read to its end. Blocks. */
  static Collection<Note> pending(KafkaSettings kafka, String clientId, Duration timeout)
      throws TimeoutException, InterruptedException {
    try (Followed followed = follow(kafka, clientId).start()) {
      followed.awaitCaughtUp(timeout);
      return List.copyOf(followed.notes());
    }
  }
}
