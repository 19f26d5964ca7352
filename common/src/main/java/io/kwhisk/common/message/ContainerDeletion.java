package io.kwhisk.common.message;

import java.util.Objects;

/**
 * Asks an invoker to retire the containers of an action: all of them when {@code keepRevision} is
 * null (the action was deleted), otherwise those whose revision differs (the action was updated).
 * With {@code count} above 0 (the scheduler's scale-in of a busy action with a surplus of
 * containers), {@code count} of the action's containers of any revision instead, those not running
 * anything first. Running activations finish first. A message without {@code count} (0) is a
 * deletion or an update as before.
 */
public record ContainerDeletion(String namespace, String actionName, String keepRevision, int count)
    implements InvokerCommand {
  public ContainerDeletion {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(actionName, "actionName should not be null");
    if (count < 0) throw new IllegalArgumentException("count should be >= 0, was " + count);
  }

  /** Retires all the action's containers, or those not of {@code keepRevision}. */
  public ContainerDeletion(String namespace, String actionName, String keepRevision) {
    this(namespace, actionName, keepRevision, 0);
  }

  /** Retires {@code count} of the action's containers (scale-in). */
  public static ContainerDeletion surplus(String namespace, String actionName, int count) {
    if (count < 1) throw new IllegalArgumentException("count should be >= 1, was " + count);
    return new ContainerDeletion(namespace, actionName, null, count);
  }
}
