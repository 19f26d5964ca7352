package io.kwhisk.controller.sequence;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a controller's start, before its API takes requests: every sequence the journal still notes
 * for this controller's id was cut short by its previous run (killed, or stopped before the
 * sequence ended), since no other process runs sequences under that id. Each gets its record now, a
 * whisk error listing the components that ended ({@link SequenceNote#interruptedRecord}), written
 * to this controller's completions topic like any record, and its note is removed. A record written
 * twice (a crash between the record and the tombstone) is a duplicate completion, which controllers
 * drop: the first one stays.
 *
 * <p>Blocks (start-up only): reads the compacted journal to its end (a {@link TopicReader}), then
 * waits for the records to be written.
 */
public final class SequenceRecovery {
  private static final Logger log = LoggerFactory.getLogger(SequenceRecovery.class);

  private SequenceRecovery() {}

  /** Writes the records of this controller's interrupted sequences; returns how many there were. */
  public static int recover(
      KafkaSettings kafka,
      String clientId,
      int controllerId,
      RecordSender sender,
      Clock clock,
      Duration timeout)
      throws InterruptedException, TimeoutException {
    Collection<SequenceNote> orphans = read(kafka, clientId, controllerId, timeout);
    if (orphans.isEmpty()) return 0;
    List<CompletableFuture<?>> writes = new ArrayList<>();
    long now = clock.millis();
    for (SequenceNote note : orphans) {
      ActivationRecord record = note.interruptedRecord(now);
      CompletionMessage message = new CompletionMessage(record.activationId(), -1, null, record);
      log.warn(
          "sequence {} of {} was interrupted by this controller's stop after {} components; it ends with an "
              + "error record",
          note.activationId(),
          note.path(),
          note.components().size());
      writes.add(
          sender
              .send(
                  Topics.completedTopic(controllerId), record.activationId(), Json.encode(message))
              .thenCompose(m -> sender.send(Topics.SEQUENCES, note.activationId(), null))
              .toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot write the records of interrupted sequences: " + e.getCause(), e);
    }
    return orphans.size();
  }

  /** The notes of {@code controllerId} the journal holds: those written and not yet removed. */
  static Collection<SequenceNote> read(
      KafkaSettings kafka, String clientId, int controllerId, Duration timeout)
      throws InterruptedException, TimeoutException {
    // Written by the reader's thread; read here once it was closed (its thread joined).
    Map<String, SequenceNote> notes = Collections.synchronizedMap(new LinkedHashMap<>());
    try (TopicReader reader =
        new TopicReader(
                kafka,
                clientId,
                Topics.SEQUENCES,
                Long.MAX_VALUE,
                r -> {
                  if (r.value() == null) {
                    notes.remove(r.key());
                    return;
                  }
                  SequenceNote note = decode(r);
                  if (note != null) notes.put(r.key(), note);
                })
            .start()) {
      reader.caughtUp().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("the sequence journal was not read to its end within " + timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the sequence journal: " + e.getCause(), e);
    }
    synchronized (notes) {
      List<SequenceNote> mine = new ArrayList<>();
      for (SequenceNote n : notes.values()) if (n.controller() == controllerId) mine.add(n);
      return mine;
    }
  }

  private static SequenceNote decode(ConsumerRecord<String, byte[]> r) {
    try {
      return Json.decode(r.value(), SequenceNote.class);
    } catch (RuntimeException e) {
      log.warn(
          "skipping journal record {} that is not a sequence note: {}", r.offset(), e.getMessage());
      return null;
    }
  }
}
