package io.kwhisk.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the topics kwhisk creates are replicated: {@code factor} copies, of which {@code
 * minInsyncReplicas} must have a write before the broker acknowledges it to an {@code acks=all}
 * producer (every kwhisk producer is one). With three brokers or more that is 3 and 2: a broker may
 * stop without losing an acknowledged record or refusing writes. The minimum is set on each topic
 * rather than left to the broker's default (1 in Kafka), so an external cluster with Kafka's
 * defaults gets the same guarantee.
 */
public record Replication(short factor, int minInsyncReplicas) {
  /** A configured factor of 0: derive it from the cluster ({@link #forCluster}). */
  public static final int AUTO = 0;

  public Replication {
    if (factor < 1) throw new IllegalArgumentException("factor must be 1 or more, got " + factor);
    if (minInsyncReplicas < 1 || minInsyncReplicas > factor) {
      throw new IllegalArgumentException(
          "minInsyncReplicas must be within 1.." + factor + ", got " + minInsyncReplicas);
    }
  }

  /**
   * The replication of a configured factor ({@link #AUTO}: as many brokers as the cluster has, at
   * most 3), with a majority of the copies in sync for factors of 3 or more and 1 below (with 2
   * copies, requiring both would make one stopped broker refuse every write).
   */
  public static Replication forCluster(int brokers, int configuredFactor) {
    if (brokers < 1)
      throw new IllegalArgumentException("a cluster has at least one broker, got " + brokers);
    if (configuredFactor < 0)
      throw new IllegalArgumentException(
          "factor must be 0 (auto) or more, got " + configuredFactor);
    int factor = configuredFactor == AUTO ? Math.min(3, brokers) : configuredFactor;
    return new Replication((short) factor, factor >= 3 ? factor / 2 + 1 : 1);
  }

  /**
   * {@link #forCluster} with the broker count {@code admin} reports; blocks up to {@code timeout}
   * (start-up only).
   */
  public static Replication discover(Admin admin, int configuredFactor, Duration timeout) {
    if (configuredFactor != AUTO)
      return forCluster(Math.max(1, configuredFactor), configuredFactor);
    try {
      int brokers =
          admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
      return forCluster(brokers, configuredFactor);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot count the Kafka cluster's brokers: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka did not answer in " + timeout.toSeconds() + " s while counting brokers", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting the Kafka cluster's brokers", e);
    }
  }

  /**
   * A topic of {@code partitions} with this replication and its {@code min.insync.replicas}, plus
   * {@code configs}.
   */
  public NewTopic newTopic(String name, int partitions, Map<String, String> configs) {
    Map<String, String> all = new HashMap<>(configs);
    all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
    return new NewTopic(name, partitions, factor).configs(all);
  }

  /** {@link #newTopic(String, int, Map)} without other configs. */
  public NewTopic newTopic(String name, int partitions) {
    return newTopic(name, partitions, Map.of());
  }
}
