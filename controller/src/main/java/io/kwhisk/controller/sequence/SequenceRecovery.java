package io.kwhisk.controller.sequence;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * <p>Blocks (start-up only): reads the compacted journal to its end, then waits for the records to
 * be written.
 */
public final class SequenceRecovery {
  private static final Logger log = LoggerFactory.getLogger(SequenceRecovery.class);
  private static final Duration POLL = Duration.ofMillis(200);

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
      throws TimeoutException {
    Map<String, Object> props = kafka.readerConfig(clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    Map<String, SequenceNote> notes = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(Topics.SEQUENCES, timeout)) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "the sequence journal was not read to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.value() == null) {
            notes.remove(r.key());
            continue;
          }
          SequenceNote note = decode(r);
          if (note != null) notes.put(r.key(), note);
        }
      }
    }
    notes.values().removeIf(n -> n.controller() != controllerId);
    return notes.values();
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) return false;
    }
    return true;
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
