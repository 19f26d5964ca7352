package io.kwhisk.common.message;

import io.kwhisk.common.entity.Action;
import java.util.Objects;

/**
 * Asks an invoker to start one container for {@code action} (which carries code, kind, limits and
 * revision); the container's proxy initialises it and joins the action's group. {@code creationId}
 * lets the controller match the outcome reported in heartbeats.
 */
public record ContainerCreation(
    String creationId, Action action, int controllerId, long requestedAt)
    implements InvokerCommand {
  public ContainerCreation {
    Objects.requireNonNull(creationId, "creationId should not be null");
    Objects.requireNonNull(action, "action should not be null");
  }
}
