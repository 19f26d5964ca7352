package io.kwhisk.invoker.proxy;

import io.kwhisk.common.kafka.KafkaSettings;
import java.util.List;

/** Real activation feeds on a broker that also note every delivery they hand to their proxy. */
final class RecordingFeeds {
  private RecordingFeeds() {}

  /** {@link ActivationFeed}s on {@code kafka}; each delivery is added to {@code pulled} first. */
  static ActivationSource.Factory of(KafkaSettings kafka, List<Delivery> pulled) {
    return (fqn, name, lanes, maxPoll, onRecords, onFailure) ->
        ActivationFeed.factory(kafka)
            .open(
                fqn,
                name,
                lanes,
                maxPoll,
                ds -> {
                  pulled.addAll(ds);
                  onRecords.accept(ds);
                },
                onFailure);
  }
}
