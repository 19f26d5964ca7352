package io.kwhisk.controller.hash;

import io.kwhisk.controller.scheduler.InvokerState;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/**
 * The baseline's placement, after OpenWhisk's {@code ShardingContainerPoolBalancer}, simplified: an
 * action's home is the invoker at index {@code hash(namespace, action) mod n} of the healthy
 * invokers sorted by id; when the home's last heartbeat shows no room for one more container of the
 * action (free plus idle, evictable memory below the action's memory limit), the next invoker in id
 * order is tried, and so on around the ring. When none has room the activation still goes to the
 * home, which queues it (OpenWhisk picks a random invoker instead; the home keeps the action's warm
 * containers in use and the choice deterministic).
 *
 * <p>Differences from OpenWhisk, on purpose: the step is always 1 (OpenWhisk steps by a per-action
 * co-prime to spread overflow), and room comes from heartbeats (refreshed every interval and on
 * every change of the invoker's containers) instead of each controller's own count of memory slots
 * in flight, so between two heartbeats a controller may send more than the home has room for; the
 * home queues the surplus.
 */
public final class HomeInvoker {
  private HomeInvoker() {}

  /**
   * The hash of the action: stable across processes and restarts (String.hashCode is specified).
   */
  static int hash(String namespace, String actionName) {
    return (31 * namespace.hashCode()) ^ actionName.hashCode();
  }

  /** Index of the home among {@code n} invokers. */
  static int homeIndex(String namespace, String actionName, int n) {
    return Math.floorMod(hash(namespace, actionName), n);
  }

  /** Whether the invoker's last heartbeat shows room for one more container of {@code memoryMb}. */
  static boolean hasRoom(InvokerState invoker, int memoryMb) {
    return invoker.heartbeat().freeMemoryMb() + invoker.heartbeat().idleMemoryMb() >= memoryMb;
  }

  /**
   * The invoker that runs the next activation of {@code namespace/actionName}: the home, or the
   * first after it (in id order) with room. Empty only when no invoker is healthy.
   */
  public static OptionalInt choose(
      String namespace, String actionName, int memoryMb, Collection<InvokerState> healthy) {
    if (healthy.isEmpty()) return OptionalInt.empty();
    List<InvokerState> ring =
        healthy.stream().sorted(Comparator.comparingInt(InvokerState::id)).toList();
    int home = homeIndex(namespace, actionName, ring.size());
    for (int step = 0; step < ring.size(); step++) {
      InvokerState candidate = ring.get((home + step) % ring.size());
      if (hasRoom(candidate, memoryMb)) return OptionalInt.of(candidate.id());
    }
    return OptionalInt.of(ring.get(home).id());
  }
}
