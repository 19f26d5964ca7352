package io.kwhisk.controller.scheduler;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Follows {@link Topics#HEALTH} and tells the scheduler each heartbeat. It starts a few records
 * before the end so a freshly started controller learns of running invokers without waiting a
 * heartbeat interval; a stale heartbeat among them is harmless, as a replayed heartbeat counts from
 * its own timestamp, a live one from its arrival.
 */
public final class HealthFollower implements AutoCloseable {
  static final long REPLAY = 64;
  private final TopicReader reader;
  private volatile boolean live;

  public HealthFollower(
      KafkaSettings kafka, String clientId, ActorRef<Scheduler.Command> scheduler) {
    this.reader =
        new TopicReader(
            kafka,
            clientId,
            Topics.HEALTH,
            REPLAY,
            record -> {
              if (record.value() != null) {
                InvokerHeartbeat heartbeat = Json.decode(record.value(), InvokerHeartbeat.class);
                scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat, !live));
              }
            });
    this.reader.caughtUp().thenRun(() -> live = true);
  }

  /** Reports the reader's health under {@code name}; call before {@link #start()}. */
  public HealthFollower watchedBy(io.kwhisk.controller.kafka.ReaderHealth health, String name) {
    reader.watchedBy(health, name);
    return this;
  }

  public HealthFollower start() {
    reader.start();
    return this;
  }

  @Override
  public void close() {
    reader.close();
  }
}
