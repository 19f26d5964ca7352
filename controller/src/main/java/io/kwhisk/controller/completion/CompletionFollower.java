package io.kwhisk.controller.completion;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads this controller's {@code completed<id>} topic, where invokers write each activation's
 * record (logs included) once it ended. Every first completion of an activation goes to {@code
 * onRecord} (the activation store); those that arrive while this process runs also go to {@code
 * onCompletion} and wake their waiter. Duplicates (delivery to containers is at-least-once) are
 * dropped here, so the store keeps the record the caller got. It starts {@code history} records
 * before the end, so a restarted controller still answers for recent activations; those replayed
 * records wake nobody and count nowhere.
 */
public final class CompletionFollower implements AutoCloseable {
  private final TopicReader reader;

  public CompletionFollower(
      KafkaSettings kafka,
      int controllerId,
      long history,
      Waiters waiters,
      Consumer<ActivationRecord> onRecord,
      Consumer<CompletionMessage> onCompletion) {
    this.reader =
        new TopicReader(
            kafka,
            "controller" + controllerId + "-completions",
            Topics.completedTopic(controllerId),
            history,
            (record, replayed) -> {
              if (record.value() == null) return;
              CompletionMessage message = Json.decode(record.value(), CompletionMessage.class);
              if (!waiters.complete(message.record())) return;
              onRecord.accept(message.record());
              if (!replayed) onCompletion.accept(message);
            });
  }

  /** Reports the reader's health under {@code name}; call before {@link #start()}. */
  public CompletionFollower watchedBy(io.kwhisk.controller.kafka.ReaderHealth health, String name) {
    reader.watchedBy(health, name);
    return this;
  }

  public CompletionFollower start() {
    reader.start();
    return this;
  }

  /** Completes once the reader replayed its history; completions produced after that are seen. */
  public CompletableFuture<Void> ready() {
    return reader.caughtUp();
  }

  @Override
  public void close() {
    reader.close();
  }
}
