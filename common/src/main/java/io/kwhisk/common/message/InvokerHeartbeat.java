package io.kwhisk.common.message;

import java.util.Map;

/**
 * An invoker's load, published on {@code health} (key: invoker id) every heartbeat interval and whenever its
 * containers change. {@code containersByAction} is keyed by the action's path ({@code namespace/name}).
 */
public record InvokerHeartbeat(
    int invokerId,
    long userMemoryMb,
    long freeMemoryMb,
    int containers,
    Map<String, Integer> containersByAction,
    int creationsInFlight,
    long timestamp) {
  public InvokerHeartbeat {
    containersByAction = containersByAction == null ? Map.of() : Map.copyOf(containersByAction);
  }
}
