package io.kwhisk.invoker.pool;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.kafka.TopicPartitions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Topics#invokerTopic} on its own thread (which alone uses the consumer after
 * start-up) and hands each command to the pool.
 *
 * <p>Position: the feed assigns itself every partition and starts at the end, fixed before the
 * constructor returns, so a command published after {@code Invoker.start} returns is never missed
 * and none from before is replayed. Replaying is wrong here: at start-up the invoker removes every
 * container of its previous run, and the controllers rebuild their view from heartbeats, so old
 * creations would start containers nobody counts. This is the "latest" offset reset, made
 * deterministic (no group rebalance to wait for). The group id {@code invoker<N>} is kept, with
 * auto-commit, only so operators see the feed's lag.
 */
public final class CommandFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommandFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration METADATA = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final ActorRef<ContainerPool.Command> pool;
  private final Thread thread;
  private volatile boolean stopping;

  /** The consumer's meters, once {@link #withMeters} bound them; closed with the consumer. */
  private volatile KafkaClientMetrics meters;

  public CommandFeed(KafkaSettings kafka, int invokerId, ActorRef<ContainerPool.Command> pool) {
    this.pool = pool;
    String topic = Topics.invokerTopic(invokerId);
    Map<String, Object> props = kafka.readerConfig("invoker" + invokerId + "-commands");
    props.put("group.id", "invoker" + invokerId);
    props.put("enable.auto.commit", true);
    props.put("auto.offset.reset", "latest");
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> assigned = TopicPartitions.await(consumer, topic, METADATA);
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      assigned.forEach(consumer::position);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.thread = new Thread(this::run, "kwhisk-commands-" + invokerId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Binds the consumer's own metrics to {@code registry} until it is closed: Micrometer's Kafka
   * binder, under {@code kafka.consumer.*} tagged with its {@code client.id}. Call once, at
   * start-up.
   */
  public CommandFeed withMeters(MeterRegistry registry) {
    KafkaClientMetrics bound = new KafkaClientMetrics(consumer);
    bound.bindTo(registry);
    meters = bound;
    return this;
  }

  /**
   * False once the feed's thread ended without being asked to stop (it failed: nothing more is
   * read); for the invoker's probes.
   */
  public boolean alive() {
    return stopping || thread.isAlive();
  }

  private void run() {
    try {
      while (!stopping) {
        try {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
            handle(r);
          }
        } catch (WakeupException e) {
          // close() asked us to stop
        }
      }
    } catch (RuntimeException e) {
      log.error("Command feed stopped: {}", e.toString(), e);
    } finally {
      if (meters != null) meters.close();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    InvokerCommand command;
    try {
      command = Json.decode(r.value(), InvokerCommand.class);
    } catch (RuntimeException e) {
      log.warn(
          "Skipping record {} of {} that is not a command: {}",
          r.offset(),
          r.topic(),
          e.getMessage());
      return;
    }
    pool.tell(new ContainerPool.Received(command));
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
