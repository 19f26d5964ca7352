package io.kwhisk.controller.activation;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
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
 * The drains not yet finished, on the compacted {@link Topics#DRAINS} topic keyed by the action's
 * path: the note (the deleted action, its code left out) is durable before the action leaves {@code
 * entities}, and a tombstone follows once the action's topic was deleted (or the action was created
 * again). Records of one key keep their order (one partition), so the last word is the latest
 * delete's. Writes never block; {@link #pending} blocks (start-up only).
 */
final class DrainJournal {
  private static final Logger log = LoggerFactory.getLogger(DrainJournal.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final RecordSender sender;

  DrainJournal(RecordSender sender) {
    this.sender = sender;
  }

  /** Notes the drain of {@code action} to come; completes once the note is durable. */
  CompletionStage<Void> noted(Action action) {
    Action withoutCode = action.withExec(action.exec().withCode(null));
    return sender
        .send(Topics.DRAINS, action.fqn().path(), Json.encode(withoutCode))
        .thenApply(m -> null);
  }

  /** The drain of {@code action} is over: its note goes. Best effort. */
  void done(FullyQualifiedName action) {
    sender
        .send(Topics.DRAINS, action.path(), null)
        .whenComplete(
            (m, e) -> {
              // A note left behind is harmless: the next start resumes a drain with nothing left
              // (or no topic), which removes it.
              if (e != null)
                log.warn("the drain note of {} could not be removed: {}", action.path(), e);
            });
  }

  /** The actions whose drains were noted and not finished: the journal read to its end. */
  static Collection<Action> pending(KafkaSettings kafka, String clientId, Duration timeout)
      throws TimeoutException {
    Map<String, Object> props = kafka.readerConfig(clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    Map<String, Action> notes = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(Topics.DRAINS, timeout)) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("the drain journal was not read to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.value() == null) {
            notes.remove(r.key());
            continue;
          }
          try {
            notes.put(r.key(), Json.decode(r.value(), Action.class));
          } catch (RuntimeException e) {
            log.warn("skipping drain note {} that is not an action: {}", r.key(), e.getMessage());
          }
        }
      }
    }
    return notes.values();
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) return false;
    }
    return true;
  }
}
