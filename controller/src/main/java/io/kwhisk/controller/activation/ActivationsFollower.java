package io.kwhisk.controller.activation;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;

/**
 * Follows {@link Topics#ACTIVATIONS} into the {@link ActivationStore}, starting as many records before the end as
 * the store holds, so a restarted controller answers for recent activations too.
 */
public final class ActivationsFollower implements AutoCloseable {
  private final TopicReader reader;

  public ActivationsFollower(KafkaSettings kafka, String clientId, ActivationStore store, int history) {
    this.reader = new TopicReader(kafka, clientId, Topics.ACTIVATIONS, history,
        record -> {
          if (record.value() != null) store.put(Json.decode(record.value(), ActivationRecord.class));
        });
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
