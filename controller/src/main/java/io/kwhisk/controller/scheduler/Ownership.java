package io.kwhisk.controller.scheduler;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * Which actions this controller schedules. With several controllers, each action belongs to one
 * partition of the scheduling topic ({@link #partitionOf}: the partition Kafka's default
 * partitioner gives a record keyed by the action's path), and the controller the scheduling group
 * assigned that partition owns the action: it alone creates its containers. A lone controller owns
 * every action ({@link #ALL}).
 *
 * @param partitions the scheduling topic's partitions; 0 for {@link #ALL}
 * @param owned the partitions assigned to this controller
 */
public record Ownership(int partitions, Set<Integer> owned) {
  /** A lone controller: it owns every action. */
  public static final Ownership ALL = new Ownership(0, Set.of());

  public Ownership {
    if (partitions < 0)
      throw new IllegalArgumentException("partitions must not be negative, got " + partitions);
    owned = Set.copyOf(owned);
  }

  /** Shared, before the group assigned anything: owns no action. */
  public static Ownership none(int partitions) {
    return new Ownership(partitions, Set.of());
  }

  public boolean owns(String actionPath) {
    return partitions == 0 || owned.contains(partitionOf(actionPath, partitions));
  }

  /** True if several controllers share the actions, so reports go to the owners. */
  public boolean shared() {
    return partitions > 0;
  }

  /**
   * The partition of {@code actionPath}: murmur2 of its UTF-8 bytes, as Kafka's producer places a
   * keyed record.
   */
  public static int partitionOf(String actionPath, int partitions) {
    return Utils.toPositive(Utils.murmur2(actionPath.getBytes(StandardCharsets.UTF_8)))
        % partitions;
  }
}
