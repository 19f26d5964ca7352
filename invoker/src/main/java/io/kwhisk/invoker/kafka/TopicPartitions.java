package io.kwhisk.invoker.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions of a topic the invoker reads by assignment (its command and push topics), not by
 * subscription.
 */
public final class TopicPartitions {
  private TopicPartitions() {}

  /**
   * The partitions of {@code topic}, waiting up to {@code timeout} for its metadata: a topic
   * created a moment ago may not be known to the broker's metadata yet. Call from the consumer's
   * owning thread (or before it starts).
   */
  public static List<TopicPartition> await(
      Consumer<?, ?> consumer, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      var partitions = consumer.partitionsFor(topic, timeout);
      if (partitions != null && !partitions.isEmpty()) {
        return partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      }
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("topic " + topic + " has no partitions");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + topic, e);
      }
    }
  }
}
