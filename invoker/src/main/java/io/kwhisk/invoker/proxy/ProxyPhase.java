package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.metrics.InvokerMetrics.ContainerState;

/** The phases of a container's life; {@link ProxyState} says how one leads to another. */
public enum ProxyPhase {
  STARTING,
  INITIALIZING,
  READY,
  RUNNING,
  INIT_FAILED,
  UNAVAILABLE,
  PAUSING,
  PAUSED,
  RESUMING,
  REMOVING;

  /**
   * Up, so an activation pulled now is accepted: run, held while the container is frozen, or
   * completed with the failure of a container that can never start.
   */
  boolean up() {
    return switch (this) {
      case READY, RUNNING, PAUSING, PAUSED, RESUMING, UNAVAILABLE -> true;
      case STARTING, INITIALIZING, INIT_FAILED, REMOVING -> false;
    };
  }

  /** Paused, or on the way into or out of it: what is pulled meanwhile is held, not run. */
  boolean frozen() {
    return this == PAUSING || this == PAUSED || this == RESUMING;
  }

  /** The state the container counts in on the invoker's container gauges. */
  ContainerState metricState() {
    return switch (this) {
      case STARTING -> ContainerState.STARTING;
      case INITIALIZING -> ContainerState.INITIALIZING;
      case RUNNING, RESUMING -> ContainerState.RUNNING;
      case REMOVING -> ContainerState.REMOVING;
      case PAUSING, PAUSED -> ContainerState.PAUSED;
      case READY, INIT_FAILED, UNAVAILABLE -> ContainerState.READY;
    };
  }
}
