package io.kwhisk.controller.scheduler;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable snapshot of what the scheduler knows, published after each change so that HTTP
 * handlers read it without asking the actor: healthy invokers and the creations in flight.
 */
public record SchedulerView(Map<Integer, InvokerState> healthy, List<CreationInFlight> inFlight) {
  public static final SchedulerView EMPTY = new SchedulerView(Map.of(), List.of());

  public SchedulerView {
    healthy = Map.copyOf(healthy);
    inFlight = List.copyOf(inFlight);
  }

  public boolean hasHealthyInvoker() {
    return !healthy.isEmpty();
  }

  /** Containers of the action on healthy invokers, plus creations in flight. */
  public int containers(String actionPath) {
    return containers(healthy.values(), inFlight, actionPath);
  }

  /**
   * Containers of the action on {@code healthy} invokers, plus its creations in {@code inFlight}.
   */
  static int containers(
      Collection<InvokerState> healthy, Collection<CreationInFlight> inFlight, String actionPath) {
    int running = healthy.stream().mapToInt(i -> i.containers(actionPath)).sum();
    return running + (int) inFlight.stream().filter(c -> c.actionPath().equals(actionPath)).count();
  }

  /**
   * Containers the action has or may still get: its containers and creations in flight, plus as
   * many as the free and idle (reclaimable) memory of each healthy invoker, less the memory of
   * creations in flight there, could hold, at most {@code instances}.
   */
  public int potentialContainers(String actionPath, int memoryMb, int instances) {
    long possible = containers(actionPath);
    for (InvokerState i : healthy.values()) {
      long free = i.heartbeat().freeMemoryMb() + i.heartbeat().idleMemoryMb();
      for (CreationInFlight c : inFlight) {
        if (c.invokerId() == i.id()) free -= c.memoryMb();
      }
      if (free > 0 && memoryMb > 0) possible += free / memoryMb;
      if (possible >= instances) return instances;
    }
    return (int) Math.min(possible, instances);
  }

  /** Healthy invokers that have, or are creating, a container of the action. */
  public Set<Integer> invokersHosting(String actionPath) {
    Set<Integer> ids = new TreeSet<>();
    healthy
        .values()
        .forEach(
            i -> {
              if (i.containers(actionPath) > 0) ids.add(i.id());
            });
    inFlight.forEach(
        c -> {
          if (c.actionPath().equals(actionPath)) ids.add(c.invokerId());
        });
    return ids;
  }
}
