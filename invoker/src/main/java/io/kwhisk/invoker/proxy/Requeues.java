package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.topic.Topics;

/**
 * Which of the activations a container held and never ran go back to their action as a new record
 * ({@link ProxyEffect#REQUEUE_QUEUED}) rather than released. A release spends one of the record's
 * deliveries (Kafka 4.4 counts every acquisition and gives none back), so on an engine that fails
 * one container start after another, activations that never ran used up their five deliveries and
 * ended as dead-letter error records. A new record with the same activation id and message starts
 * with none spent; the original is accepted only once the broker acknowledged the new one, so the
 * activation is never lost, and at worst (the invoker dies between the two) queued twice, which
 * controllers resolve as any duplicate: the first completion of an id wins.
 */
final class Requeues {
  /**
   * How often one activation may go back as a new record; then it is released as before, so that an
   * engine that can never start a container still ends it with the dead-letter error record after
   * the group's delivery limit, rather than keep it queued for ever. As many as that limit (5, the
   * broker's default): an activation then meets at most ten containers that never got ready before
   * it ends, twice what it met before, which rides out an engine overloaded for a while (the case
   * that dead-lettered activations that never ran) without hiding one that is broken.
   */
  static final int LIMIT = 5;

  private Requeues() {}

  /**
   * Whether {@code d}, held by a container of {@code action} and never run, goes back as a new
   * record: it came from the action's own topic (not from a push-mode invoker's, which holds
   * another kind of record and has no share group), and it went back this way fewer than {@link
   * #LIMIT} times.
   */
  static boolean requeues(Delivery d, FullyQualifiedName action) {
    return d.message().requeues() < LIMIT && d.topic().equals(Topics.actionTopic(action));
  }
}
