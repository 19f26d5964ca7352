package io.kwhisk.common.message;

import java.util.Objects;

/**
 * Asks an invoker to retire the containers of an action: all of them when {@code keepRevision} is
 * null (the action was deleted), otherwise those whose revision differs (the action was updated).
 * Running activations finish first.
 */
public record ContainerDeletion(String namespace, String actionName, String keepRevision)
    implements InvokerCommand {
  public ContainerDeletion {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(actionName, "actionName should not be null");
  }
}
