package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a proxy's activations come from: a member of the action's share group. Methods return at
 * once and may be called from any thread; the source's own thread owns the Kafka consumer.
 */
public interface ActivationSource {
  /**
   * The activation's completion was published: accept the record (at-least-once: ack after
   * publish).
   */
  void acknowledge(Delivery delivery);

  /** Give the record back to the group at once, for another container. */
  void release(Delivery delivery);

  /**
   * Pull nothing more; the records held are still acknowledged, released and renewed, and
   * acknowledgements still reach the broker. For a container that takes no more work (retiring) but
   * stays in the group until what it runs is published or its start ends. Every acquisition of a
   * record counts as one of its deliveries (5 at most, then it is dead-lettered), and a released
   * record is the first one the next poll acquires again: a source that kept pulling what its
   * container must refuse would use up a record's deliveries within a second.
   */
  void stopPulling();

  /**
   * Leave the group. Acknowledgements given before are committed; unacknowledged records are
   * released.
   */
  void close();

  /**
   * From the next poll on, pull at most {@code maxPollRecords} records per poll (per lane). The
   * source applies it between polls, once every record it holds is acknowledged; a source whose
   * batches are not its own to size ignores it.
   */
  void resize(int maxPollRecords);

  /** Opens a source for a proxy. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param name names the source's thread and Kafka client
     * @param lanes share consumers, each with its own poll-then-acknowledge cycle: a consumer polls
     *     again only when every record of its last poll is acknowledged, so more lanes let a
     *     container with spare concurrency pull while activations of an earlier poll still run
     * @param maxPollRecords records pulled at most per poll of one lane; every one is acknowledged
     *     or released before that lane's next poll
     * @param onRecords called on the source's thread with each non-empty poll
     * @param onFailure called on the source's thread if the source stops on its own
     */
    ActivationSource open(
        FullyQualifiedName action,
        String name,
        int lanes,
        int maxPollRecords,
        Consumer<List<Delivery>> onRecords,
        Consumer<Throwable> onFailure);
  }
}
