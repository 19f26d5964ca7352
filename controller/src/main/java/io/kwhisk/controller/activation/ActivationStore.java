package io.kwhisk.controller.activation;

import io.kwhisk.common.message.ActivationRecord;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The activation records a controller answers {@code GET /activations} from, fed by the followers
 * of every controller's {@code completed<C>} topic ({@code CompletionFollower}, {@link
 * ActivationsFollower}). First record wins: an activation run twice (at-least-once delivery) keeps
 * the record of its first completion, the one its caller was answered with.
 *
 * <p>Threads: {@link #put} is called by the follower threads only (never an actor thread: a durable
 * store writes to disk); reads come from any thread. {@link #close()} after the writers stopped.
 */
public interface ActivationStore extends AutoCloseable {

  /** Where a record was read: reading {@code topic}'s {@code partition} goes on at {@code next}. */
  record Position(String topic, int partition, long next) {}

  /**
   * Keeps {@code record} unless the store holds a record of its activation already, and notes
   * {@code position} (may be null) in the same atomic write. Returns true when it kept the record.
   *
   * @param message the completion as written to Kafka ({@code CompletionMessage} JSON): a durable
   *     store keeps these bytes as they are
   */
  boolean put(ActivationRecord record, byte[] message, Position position);

  /** The record of {@code activationId}, if it belongs to {@code namespace}. */
  Optional<ActivationRecord> get(String namespace, String activationId);

  /**
   * Records of {@code namespace}, newest first (by start time), optionally only those of action
   * {@code name}, that started between {@code since} and {@code upto} (epoch ms, both inclusive, as
   * OpenWhisk's filters), skipping {@code skip} and returning at most {@code limit}.
   */
  List<ActivationRecord> list(
      String namespace, String name, long since, long upto, int skip, int limit);

  /** How many records {@link #list} would find without skip and limit. */
  long count(String namespace, String name, long since, long upto);

  /**
   * As {@link #count(String, String, long, long)}, of the records read from a completions topic
   * that {@code counted} accepts (a record put without a position always counts). The partitioned
   * store counts this way only the topics a controller keeps now, so that the copies an adopter
   * keeps of a topic it gave back are not counted twice. A store that does not note where its
   * records came from counts them all.
   */
  default long count(
      String namespace, String name, long since, long upto, Predicate<String> counted) {
    return count(namespace, name, since, upto);
  }

  /**
   * Where reading {@code topic}'s {@code partition} resumes: the position last {@link #put} with
   * it, or empty when the store has none (then the follower starts {@link #history()} records
   * before the end).
   */
  OptionalLong resumeAt(String topic, int partition);

  /**
   * How many records before the end of a completions topic a follower starts at when {@link
   * #resumeAt} knows nothing: {@link Long#MAX_VALUE} reads all the topic retains.
   */
  long history();

  /** Records kept by {@link #put} since the store opened. */
  long stored();

  /**
   * Records {@link #put} dropped as duplicates (or ended beyond retention) since the store opened.
   */
  long dropped();

  @Override
  void close();
}
