package io.kwhisk.controller.activation;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;
import java.time.Duration;

/**
 * Follows the completions topics of the other controllers into the {@link ActivationStore}, so that
 * any controller answers {@code GET /activations} for activations another one accepted (this
 * controller's own completions reach the store through its completion follower). Its thread is the
 * store's writer for those topics: each record goes in with the offset after it, and a restart
 * resumes each partition at the offset the store kept ({@link ActivationStore#resumeAt}), or, when
 * it kept none, {@link ActivationStore#history()} records before the end. It looks for the topics
 * of controllers that started since every {@link #REDISCOVER}.
 */
public final class ActivationsFollower implements AutoCloseable {
  /** How soon the records of a controller that started later become visible here. */
  static final Duration REDISCOVER = Duration.ofSeconds(10);

  private final TopicReader reader;

  public ActivationsFollower(
      KafkaSettings kafka, String clientId, int controllerId, ActivationStore store) {
    String own = Topics.completedTopic(controllerId);
    this.reader =
        new TopicReader(
                kafka,
                clientId,
                topic -> Topics.isCompletedTopic(topic) && !topic.equals(own),
                REDISCOVER,
                store.history(),
                (record, replayed) -> {
                  if (record.value() == null) return;
                  store.put(
                      Json.decode(record.value(), CompletionMessage.class).record(),
                      record.value(),
                      new ActivationStore.Position(
                          record.topic(), record.partition(), record.offset() + 1));
                })
            .startingAt(tp -> store.resumeAt(tp.topic(), tp.partition()));
  }

  /** Reports the reader's health under {@code name}; call before {@link #start()}. */
  public ActivationsFollower watchedBy(
      io.kwhisk.controller.kafka.ReaderHealth health, String name) {
    reader.watchedBy(health, name);
    return this;
  }

  public ActivationsFollower start() {
    reader.start();
    return this;
  }

  @Override
  public void close() {
    reader.close();
  }
}
