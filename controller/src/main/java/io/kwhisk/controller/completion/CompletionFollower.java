package io.kwhisk.controller.completion;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.activation.ActivationStore;
import io.kwhisk.controller.kafka.TopicReader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads this controller's {@code completed<id>} topic, where invokers write each activation's
 * record (logs included) once it ended. Every first completion of an activation goes to the
 * activation store, with the offset after it (this thread is the store's writer for this topic);
 * those that arrive while this process runs also go to {@code onCompletion} and wake their waiter.
 * Duplicates (delivery to containers is at-least-once) are dropped: the store keeps the first
 * record of an id, and the waiters remember the ids completed lately, so the caller, the store and
 * the metrics agree on the first. A restart resumes at the offset the store kept ({@link
 * ActivationStore#resumeAt}), or {@link ActivationStore#history()} records before the end when it
 * kept none; records replayed up to the end the topic had at start wake nobody and count nowhere.
 */
public final class CompletionFollower implements AutoCloseable {
  private final TopicReader reader;

  public CompletionFollower(
      KafkaSettings kafka,
      int controllerId,
      ActivationStore store,
      Waiters waiters,
      Consumer<CompletionMessage> onCompletion) {
    this.reader =
        new TopicReader(
                kafka,
                "controller" + controllerId + "-completions",
                Topics.completedTopic(controllerId),
                store.history(),
                (record, replayed) -> {
                  if (record.value() == null) return;
                  CompletionMessage message = Json.decode(record.value(), CompletionMessage.class);
                  ActivationStore.Position next =
                      new ActivationStore.Position(
                          record.topic(), record.partition(), record.offset() + 1);
                  if (!store.put(message.record(), record.value(), next)) return;
                  if (!waiters.complete(message.record())) return;
                  if (!replayed) onCompletion.accept(message);
                })
            .startingAt(tp -> store.resumeAt(tp.topic(), tp.partition()));
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
