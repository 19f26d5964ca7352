package io.kwhisk.common.message;

import java.util.List;
import java.util.Map;

/**
 * An invoker's load, published on {@code health} (key: invoker id) every heartbeat interval and
 * whenever its containers change. {@code containersByAction} is keyed by the action's path ({@code
 * namespace/name}).
 *
 * @param idleMemoryMb user memory held by initialised containers with no activation in flight that
 *     the invoker would evict now (idle past its eviction grace, and past their first activation):
 *     it retires such containers (least recently used first) to make room for a creation that does
 *     not fit in {@code freeMemoryMb}, so {@code freeMemoryMb + idleMemoryMb} is what a creation
 *     may use. 0 from invokers that predate the field.
 * @param refusedCreations ids of ContainerCreations this invoker refused recently (no room even
 *     after evicting idle containers, no image for the kind, shutting down): the controller stops
 *     waiting for them and places the container elsewhere at once. Each id is repeated for a few
 *     heartbeats, in case one is lost.
 * @param pendingCreations ids of ContainerCreations this invoker accepted but has not started yet
 *     (they wait for the idle containers they evict to go): {@code freeMemoryMb} and {@code
 *     idleMemoryMb} already leave out their memory, so a controller stops counting it against this
 *     invoker itself. Empty from invokers that predate the field.
 * @param startingByAction per action path, how many of its containers in {@code containersByAction}
 *     are not ready yet (being created, started or initialised): the controller lets an action have
 *     at most twice as many starting as ready, so a burst on an action whose containers come slowly
 *     does not ask for a container per queued activation. Empty from invokers that predate the
 *     field (every container counts as ready).
 */
public record InvokerHeartbeat(
    int invokerId,
    long userMemoryMb,
    long freeMemoryMb,
    int containers,
    Map<String, Integer> containersByAction,
    int creationsInFlight,
    long timestamp,
    long idleMemoryMb,
    List<String> refusedCreations,
    List<String> pendingCreations,
    Map<String, Integer> startingByAction) {
  public InvokerHeartbeat {
    startingByAction = startingByAction == null ? Map.of() : Map.copyOf(startingByAction);
    containersByAction = containersByAction == null ? Map.of() : Map.copyOf(containersByAction);
    refusedCreations = refusedCreations == null ? List.of() : List.copyOf(refusedCreations);
    pendingCreations = pendingCreations == null ? List.of() : List.copyOf(pendingCreations);
  }

  /**
   * A heartbeat that reports no refusals and no pending creations (see {@link
   * #withRefusedCreations}).
   */
  public InvokerHeartbeat(
      int invokerId,
      long userMemoryMb,
      long freeMemoryMb,
      int containers,
      Map<String, Integer> containersByAction,
      int creationsInFlight,
      long timestamp,
      long idleMemoryMb) {
    this(
        invokerId,
        userMemoryMb,
        freeMemoryMb,
        containers,
        containersByAction,
        creationsInFlight,
        timestamp,
        idleMemoryMb,
        List.of(),
        List.of(),
        Map.of());
  }

  /**
   * A heartbeat that reports no reclaimable memory (the shape before {@code idleMemoryMb} existed).
   */
  public InvokerHeartbeat(
      int invokerId,
      long userMemoryMb,
      long freeMemoryMb,
      int containers,
      Map<String, Integer> containersByAction,
      int creationsInFlight,
      long timestamp) {
    this(
        invokerId,
        userMemoryMb,
        freeMemoryMb,
        containers,
        containersByAction,
        creationsInFlight,
        timestamp,
        0);
  }

  /** This heartbeat, reporting {@code ids} as refused. */
  public InvokerHeartbeat withRefusedCreations(List<String> ids) {
    return new InvokerHeartbeat(
        invokerId,
        userMemoryMb,
        freeMemoryMb,
        containers,
        containersByAction,
        creationsInFlight,
        timestamp,
        idleMemoryMb,
        ids,
        pendingCreations,
        startingByAction);
  }

  /** This heartbeat, reporting {@code ids} as accepted and not started yet. */
  public InvokerHeartbeat withPendingCreations(List<String> ids) {
    return new InvokerHeartbeat(
        invokerId,
        userMemoryMb,
        freeMemoryMb,
        containers,
        containersByAction,
        creationsInFlight,
        timestamp,
        idleMemoryMb,
        refusedCreations,
        ids,
        startingByAction);
  }

  /** This heartbeat, reporting {@code starting} as each action's containers not ready yet. */
  public InvokerHeartbeat withStartingByAction(Map<String, Integer> starting) {
    return new InvokerHeartbeat(
        invokerId,
        userMemoryMb,
        freeMemoryMb,
        containers,
        containersByAction,
        creationsInFlight,
        timestamp,
        idleMemoryMb,
        refusedCreations,
        pendingCreations,
        starting);
  }
}
