package io.kwhisk.invoker.proxy;

/**
 * What the {@link ContainerProxy} does after a {@link ProxyState.Transition}, in the transition's
 * list order; each is data, so the pure transitions say what happens without doing it.
 */
public enum ProxyEffect {
  /** Start the activation feed: join the action's share group and pull. */
  JOIN_GROUP,
  /** Tell the pool the container is up (its creation is no longer in flight). */
  REPORT_READY,
  /** Tell the pool an activation is in flight: the container may not be evicted. */
  REPORT_BUSY,
  /** Tell the pool nothing is in flight any more: the container may be evicted. */
  REPORT_IDLE,
  ARM_KEEP_ALIVE,
  DISARM_KEEP_ALIVE,
  /** Run the accepted activation when a slot is free (see {@link Slots}). */
  RUN,
  /**
   * Complete the accepted activation with the container's {@link ProxyState#initFailure}, without
   * running it.
   */
  FAIL,
  /** Give the record back to the group for another container: it was refused. */
  RELEASE,
  /**
   * Give the activations waiting for a slot back to the group: this container takes no more work,
   * so its feed stops pulling first (see {@link #STOP_PULLING}).
   */
  RELEASE_QUEUED,
  /**
   * As {@link #RELEASE_QUEUED}, for activations held by a container that never became ready (it did
   * not start, its {@code /init} failed, or it was retired first): none of them ran, so each goes
   * back to the action as a new record, which spends none of its deliveries (see {@link Requeues});
   * one that cannot be re-published, or was given back this way {@link Requeues#LIMIT} times
   * already, is released.
   */
  REQUEUE_QUEUED,
  /** Keep the accepted activation until the container is unpaused. */
  HOLD,
  /** Freeze the container ({@code docker pause}). */
  PAUSE,
  /** Thaw the container; held activations run when it is done. */
  UNPAUSE,
  /** Run the activations held while the container was paused or initialising. */
  RUN_HELD,
  /** {@code /init} failed: complete the first held activation with the init failure. */
  FAIL_FIRST_HELD,
  /**
   * The container can never start: complete every held activation with its failure, without running
   * them.
   */
  FAIL_HELD,
  /**
   * The container takes no more work but stays (running activations finish, or it is still
   * starting): its feed pulls nothing more, so it does not acquire records only to release them.
   */
  STOP_PULLING,
  /**
   * Close the feed: leave the group; unacknowledged records are released for redelivery. A feed
   * with records being given back as new records ({@link #REQUEUE_QUEUED}) closes once their writes
   * ended, so that each original is accepted (or released) first.
   */
  LEAVE_GROUP,
  REMOVE_CONTAINER
}
