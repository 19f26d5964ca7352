package io.kwhisk.controller.sequence;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.topic.Topics;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal on the compacted {@link Topics#SEQUENCES} topic, one record per sequence keyed by its
 * activation id: the note when it starts and after each component, a tombstone once its record was
 * written. Records of one key keep their order (one partition, one producer), so the tombstone is
 * the last word. Never blocks.
 */
public final class KafkaSequenceJournal implements SequenceJournal {
  private static final Logger log = LoggerFactory.getLogger(KafkaSequenceJournal.class);

  private final RecordSender sender;

  public KafkaSequenceJournal(RecordSender sender) {
    this.sender = sender;
  }

  @Override
  public CompletionStage<Void> started(SequenceNote note) {
    return sender
        .send(Topics.SEQUENCES, note.activationId(), Json.encode(note))
        .thenApply(m -> null);
  }

  @Override
  public void progressed(SequenceNote note) {
    sender
        .send(Topics.SEQUENCES, note.activationId(), Json.encode(note))
        .whenComplete(
            (m, e) -> {
              if (e != null)
                log.warn(
                    "the note of sequence {} could not be updated: {}",
                    note.activationId(),
                    e.toString());
            });
  }

  @Override
  public void ended(SequenceNote note) {
    sender
        .send(Topics.SEQUENCES, note.activationId(), null)
        .whenComplete(
            (m, e) -> {
              // A note left behind is harmless: the next start writes a record that loses to the
              // one already written.
              if (e != null)
                log.warn(
                    "the note of sequence {} could not be removed: {}",
                    note.activationId(),
                    e.toString());
            });
  }
}
