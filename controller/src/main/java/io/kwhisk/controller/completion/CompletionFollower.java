package io.kwhisk.controller.completion;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;
import java.util.function.Consumer;

/**
 * Reads this controller's {@code completed<id>} topic from its end (completions older than this process have no
 * waiter) and hands each first completion of an activation to {@code onCompletion}; duplicates are dropped here.
 */
public final class CompletionFollower implements AutoCloseable {
  private final TopicReader reader;

  public CompletionFollower(KafkaSettings kafka, int controllerId, Waiters waiters,
      Consumer<CompletionMessage> onCompletion) {
    this.reader = new TopicReader(kafka, "controller" + controllerId + "-completions",
        Topics.completedTopic(controllerId), 0,
        record -> {
          if (record.value() == null) return;
          CompletionMessage message = Json.decode(record.value(), CompletionMessage.class);
          if (waiters.complete(message.record())) onCompletion.accept(message);
        });
  }

  public CompletionFollower start() {
    reader.start();
    return this;
  }

  /** Completes once the reader is positioned; completions produced after that are seen. */
  public java.util.concurrent.CompletableFuture<Void> ready() {
    return reader.caughtUp();
  }

  @Override
  public void close() {
    reader.close();
  }
}
