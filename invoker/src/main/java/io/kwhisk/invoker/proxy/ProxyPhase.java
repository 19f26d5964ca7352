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
