package io.kwhisk.invoker.pool;

import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The invoker's containers as an immutable value: which action each runs, the user memory it holds, and whether it
 * is still being created. Memory is reserved when a creation is admitted and freed when the proxy has stopped, so
 * the sum never exceeds the capacity. Pure: tested without actors.
 */
public record PoolState(long capacityMb, Map<String, Slot> slots) {

  /** One container, named as its proxy. {@code ready} is false while it is created and initialised. */
  public record Slot(String actionPath, String revision, long memoryMb, boolean ready) {}

  public PoolState {
    slots = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(slots));
  }

  public static PoolState empty(long capacityMb) {
    return new PoolState(capacityMb, Map.of());
  }

  public long usedMb() {
    return slots.values().stream().mapToLong(Slot::memoryMb).sum();
  }

  public long freeMb() {
    return capacityMb - usedMb();
  }

  /** The state with a container {@code name} reserved for the creation, or empty when memory does not suffice. */
  public Optional<PoolState> admit(String name, ContainerCreation creation) {
    long memory = creation.action().limits().memory();
    if (memory > freeMb()) return Optional.empty();
    Map<String, Slot> next = new LinkedHashMap<>(slots);
    next.put(name, new Slot(creation.action().fqn().path(), creation.action().revision(), memory, false));
    return Optional.of(new PoolState(capacityMb, next));
  }

  public PoolState ready(String name) {
    Slot s = slots.get(name);
    if (s == null || s.ready()) return this;
    Map<String, Slot> next = new LinkedHashMap<>(slots);
    next.put(name, new Slot(s.actionPath(), s.revision(), s.memoryMb(), true));
    return new PoolState(capacityMb, next);
  }

  public PoolState removed(String name) {
    if (!slots.containsKey(name)) return this;
    Map<String, Slot> next = new LinkedHashMap<>(slots);
    next.remove(name);
    return new PoolState(capacityMb, next);
  }

  /** The containers a deletion retires: all of the action's, or those not of the revision it keeps. */
  public List<String> retiredBy(ContainerDeletion deletion) {
    String path = deletion.namespace() + "/" + deletion.actionName();
    return slots.entrySet().stream()
        .filter(e -> e.getValue().actionPath().equals(path))
        .filter(e -> deletion.keepRevision() == null || !deletion.keepRevision().equals(e.getValue().revision()))
        .map(Map.Entry::getKey)
        .toList();
  }

  public InvokerHeartbeat heartbeat(int invokerId, long now) {
    Map<String, Integer> byAction = new TreeMap<>();
    slots.values().forEach(s -> byAction.merge(s.actionPath(), 1, Integer::sum));
    int creating = (int) slots.values().stream().filter(s -> !s.ready()).count();
    return new InvokerHeartbeat(invokerId, capacityMb, freeMb(), slots.size(), byAction, creating, now);
  }
}
