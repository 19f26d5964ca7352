package io.kwhisk.common.message;

import io.kwhisk.common.entity.Action;
import java.util.Objects;

/**
 * Asks an invoker to start one container for {@code action} (which carries code, kind, limits and
 * revision); the container's proxy initialises it and joins the action's group. {@code creationId}
 * lets the controller match the outcome reported in heartbeats. {@code keepAliveMs} is how long the
 * container may stay idle, decided by the controller's keep-alive policy for the action; 0 (the
 * default, and what a message without the field reads as) leaves it to the invoker's configured
 * keep-alive. A {@link ContainerKeepAlive} may change it later.
 */
public record ContainerCreation(
    String creationId, Action action, int controllerId, long requestedAt, long keepAliveMs)
    implements InvokerCommand {
  public ContainerCreation {
    Objects.requireNonNull(creationId, "creationId should not be null");
    Objects.requireNonNull(action, "action should not be null");
    if (keepAliveMs < 0)
      throw new IllegalArgumentException("keepAliveMs should be >= 0, was " + keepAliveMs);
  }

  /** A creation whose container keeps the invoker's configured keep-alive. */
  public ContainerCreation(String creationId, Action action, int controllerId, long requestedAt) {
    this(creationId, action, controllerId, requestedAt, 0);
  }
}
