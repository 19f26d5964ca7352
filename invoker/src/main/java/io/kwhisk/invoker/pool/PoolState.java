package io.kwhisk.invoker.pool;

import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The invoker's containers as an immutable value: which action each runs, the user memory it holds,
 * whether it is still being created, busy, idle since when, or being evicted; and the creations
 * waiting for evicted containers to go. Pure: tested without actors.
 *
 * <p>Invariants: memory is reserved when a creation is admitted and freed when its proxy has
 * stopped, so the containers' sum never exceeds the capacity. A creation that does not fit waits
 * only for memory already promised to it by evictions it caused ({@link #plan}); the memory waiting
 * creations need is never given to a later one.
 *
 * <p>Eviction: when a creation does not fit, idle containers (initialised, nothing in flight, idle
 * for at least the eviction grace) of other actions are retired, least recently used first, until
 * it fits; it is refused only when even all of them would not make room. The grace keeps a
 * container that just finished an activation, and is about to pull the next one of a steady stream,
 * from being thrown away for a single creation. A container that has not yet run an activation is
 * idle only after the first-pull grace: it was created because activations wait for it, and joining
 * its share group takes from tens of milliseconds to seconds on a loaded host. Evicting it then
 * would throw away a cold start before it served the activation it was made for (measured under
 * churn, 16 slots and 100 actions: about two in three new containers were evicted before their
 * first activation, 2.5 creations/s served 1.0 activation/s).
 */
public record PoolState(
    long capacityMb,
    long evictionGraceMs,
    long firstPullGraceMs,
    Map<String, Slot> slots,
    List<Waiting> waiting) {

  /**
   * One container, named as its proxy. {@code ready} is false while it is created and initialised;
   * {@code busy} while an activation is in flight; {@code used} once an activation finished in it;
   * {@code idleSinceMs} is when it last became idle (or ready); {@code evicting} once it was
   * retired to make room for a waiting creation.
   */
  public record Slot(
      String actionPath,
      String revision,
      long memoryMb,
      boolean ready,
      boolean busy,
      boolean used,
      long idleSinceMs,
      boolean evicting) {
    boolean isIdle() {
      return ready && !busy && !evicting;
    }

    Slot with(boolean ready, boolean busy, long idleSinceMs, boolean evicting) {
      return new Slot(actionPath, revision, memoryMb, ready, busy, used, idleSinceMs, evicting);
    }

    Slot finishedAt(long now) {
      return new Slot(actionPath, revision, memoryMb, ready, false, true, now, evicting);
    }
  }

  /**
   * A creation admitted once the containers evicted for it are gone; its container will be named
   * {@code name}.
   */
  public record Waiting(String name, ContainerCreation creation) {
    long memoryMb() {
      return creation.action().limits().memory();
    }
  }

  /** What became of a creation. */
  public enum Outcome {
    ADMITTED,
    WAITING,
    REFUSED
  }

  /**
   * The next state after {@link #plan}: the outcome and the containers to retire for it (when
   * WAITING).
   */
  public record Plan(PoolState state, Outcome outcome, List<String> victims) {}

  public PoolState {
    slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
    waiting = List.copyOf(waiting);
  }

  /** No containers yet; the graces are those of {@link #plan}'s eviction rule, in milliseconds. */
  public static PoolState empty(long capacityMb, long evictionGraceMs, long firstPullGraceMs) {
    return new PoolState(capacityMb, evictionGraceMs, firstPullGraceMs, Map.of(), List.of());
  }

  public long usedMb() {
    return slots.values().stream().mapToLong(Slot::memoryMb).sum();
  }

  public long freeMb() {
    return capacityMb - usedMb();
  }

  /**
   * Memory a creation could evict at {@code now}: initialised containers with nothing in flight,
   * not already being evicted, idle for the eviction grace, and past the first-pull grace if they
   * never ran an activation. Memory still inside a grace is not reported: a creation the controller
   * sent for it would be refused.
   */
  public long idleMb(long now) {
    return slots.values().stream().filter(s -> evictable(s, now)).mapToLong(Slot::memoryMb).sum();
  }

  private boolean pastFirstPull(Slot s, long now) {
    return s.used() || now - s.idleSinceMs() >= firstPullGraceMs;
  }

  private boolean evictable(Slot s, long now) {
    return s.isIdle() && pastFirstPull(s, now) && now - s.idleSinceMs() >= evictionGraceMs;
  }

  long evictingMb() {
    return slots.values().stream().filter(Slot::evicting).mapToLong(Slot::memoryMb).sum();
  }

  long waitingMb() {
    return waiting.stream().mapToLong(Waiting::memoryMb).sum();
  }

  /** Memory a new creation may have now without taking what waiting creations were promised. */
  public long admissibleMb() {
    return Math.max(0, Math.min(freeMb(), freeMb() + evictingMb() - waitingMb()));
  }

  /**
   * Decides a creation: admitted at once when it fits, else waiting for the idle containers
   * (victims) it evicts, else refused. {@code now} and the graces decide which idle containers may
   * be evicted.
   */
  public Plan plan(String name, ContainerCreation creation, long now) {
    long memory = creation.action().limits().memory();
    if (memory <= admissibleMb())
      return new Plan(withSlot(name, creation), Outcome.ADMITTED, List.of());
    long promised =
        freeMb() + evictingMb() - waitingMb(); // what evictions under way leave over for newcomers
    long needed = memory - promised;
    String path = creation.action().fqn().path();
    String revision = creation.action().revision();
    List<Map.Entry<String, Slot>> candidates =
        slots.entrySet().stream()
            .filter(e -> evictable(e.getValue(), now))
            .filter(
                e ->
                    !(e.getValue().actionPath().equals(path)
                        && Objects.equals(e.getValue().revision(), revision)))
            .sorted(
                Comparator.comparingLong((Map.Entry<String, Slot> e) -> e.getValue().idleSinceMs()))
            .toList();
    List<String> victims = new ArrayList<>();
    Map<String, Slot> next = new LinkedHashMap<>(slots);
    for (Map.Entry<String, Slot> e : candidates) {
      if (needed <= 0) break;
      victims.add(e.getKey());
      next.put(e.getKey(), e.getValue().with(true, false, e.getValue().idleSinceMs(), true));
      needed -= e.getValue().memoryMb();
    }
    if (needed > 0) return new Plan(this, Outcome.REFUSED, List.of());
    List<Waiting> queue = new ArrayList<>(waiting);
    queue.add(new Waiting(name, creation));
    return new Plan(
        new PoolState(capacityMb, evictionGraceMs, firstPullGraceMs, next, queue),
        Outcome.WAITING,
        List.copyOf(victims));
  }

  /**
   * Admits waiting creations, first come first served, while they fit: the state and the creations
   * admitted.
   */
  public Map.Entry<PoolState, List<Waiting>> admitWaiting() {
    PoolState s = this;
    List<Waiting> admitted = new ArrayList<>();
    while (!s.waiting.isEmpty() && s.waiting.get(0).memoryMb() <= s.freeMb()) {
      Waiting w = s.waiting.get(0);
      PoolState without =
          new PoolState(
              capacityMb,
              evictionGraceMs,
              firstPullGraceMs,
              s.slots,
              s.waiting.subList(1, s.waiting.size()));
      s = without.withSlot(w.name(), w.creation());
      admitted.add(w);
    }
    return Map.entry(s, List.copyOf(admitted));
  }

  /** Drops every waiting creation (the invoker shuts down): the state and the creations dropped. */
  public Map.Entry<PoolState, List<Waiting>> dropWaiting() {
    return Map.entry(
        new PoolState(capacityMb, evictionGraceMs, firstPullGraceMs, slots, List.of()), waiting);
  }

  /** The container is initialised and idle from {@code now}. */
  public PoolState ready(String name, long now) {
    Slot s = slots.get(name);
    if (s == null || s.ready()) return this;
    return withSlot(name, s.with(true, false, now, s.evicting()));
  }

  /** An activation is in flight in the container. */
  public PoolState busy(String name) {
    Slot s = slots.get(name);
    if (s == null || s.busy()) return this;
    return withSlot(name, s.with(s.ready(), true, s.idleSinceMs(), s.evicting()));
  }

  /** The container's last activation finished at {@code now}. */
  public PoolState idle(String name, long now) {
    Slot s = slots.get(name);
    if (s == null) return this;
    return withSlot(name, s.finishedAt(now));
  }

  public PoolState removed(String name) {
    if (!slots.containsKey(name)) return this;
    Map<String, Slot> next = new LinkedHashMap<>(slots);
    next.remove(name);
    return new PoolState(capacityMb, evictionGraceMs, firstPullGraceMs, next, waiting);
  }

  /** The containers of the action at {@code actionPath}, starting or ready. */
  public List<String> containersOf(String actionPath) {
    return slots.entrySet().stream()
        .filter(e -> e.getValue().actionPath().equals(actionPath))
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * The containers a deletion retires: all of the action's, or those not of the revision it keeps;
   * for a scale-in ({@code count} above 0), that many of the action's ready containers that are not
   * already going, idle ones first, then the newest.
   */
  public List<String> retiredBy(ContainerDeletion deletion) {
    String path = deletion.namespace() + "/" + deletion.actionName();
    if (deletion.count() > 0) {
      List<Map.Entry<String, Slot>> candidates =
          new ArrayList<>(
              slots.entrySet().stream()
                  .filter(e -> e.getValue().actionPath().equals(path))
                  .filter(e -> e.getValue().ready() && !e.getValue().evicting())
                  .toList());
      Collections.reverse(candidates);
      candidates.sort(Comparator.comparing((Map.Entry<String, Slot> e) -> e.getValue().busy()));
      return candidates.stream().limit(deletion.count()).map(Map.Entry::getKey).toList();
    }
    return slots.entrySet().stream()
        .filter(e -> e.getValue().actionPath().equals(path))
        .filter(
            e ->
                deletion.keepRevision() == null
                    || !deletion.keepRevision().equals(e.getValue().revision()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * The heartbeat: free memory is what a creation may have at once, idle memory what evicting idle
   * containers would add; creations in flight include those waiting for evictions, which it also
   * names (pending); each action's containers not ready yet are counted apart (starting).
   */
  public InvokerHeartbeat heartbeat(int invokerId, long now) {
    Map<String, Integer> byAction = new TreeMap<>();
    Map<String, Integer> starting = new TreeMap<>();
    for (Slot s : slots.values()) {
      byAction.merge(s.actionPath(), 1, Integer::sum);
      if (!s.ready()) starting.merge(s.actionPath(), 1, Integer::sum);
    }
    int creating = (int) slots.values().stream().filter(s -> !s.ready()).count() + waiting.size();
    return new InvokerHeartbeat(
            invokerId,
            capacityMb,
            admissibleMb(),
            slots.size(),
            byAction,
            creating,
            now,
            idleMb(now))
        .withPendingCreations(waiting.stream().map(w -> w.creation().creationId()).toList())
        .withStartingByAction(starting);
  }

  private PoolState withSlot(String name, ContainerCreation creation) {
    return withSlot(
        name,
        new Slot(
            creation.action().fqn().path(),
            creation.action().revision(),
            creation.action().limits().memory(),
            false,
            false,
            false,
            -1,
            false));
  }

  private PoolState withSlot(String name, Slot slot) {
    Map<String, Slot> next = new LinkedHashMap<>(slots);
    next.put(name, slot);
    return new PoolState(capacityMb, evictionGraceMs, firstPullGraceMs, next, waiting);
  }
}
