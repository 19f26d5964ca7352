package io.kwhisk.invoker.push;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.message.PushedActivation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The push pool's containers and queue as an immutable value; {@link #dispatch} is its whole
 * policy, a pure function tested without actors or Docker. It works like OpenWhisk's {@code
 * ContainerPool}: each queued activation, oldest first,
 *
 * <ol>
 *   <li>runs on a warm container of its action (same revision) with a free slot (in flight below
 *       its concurrency limit), the most recently used first; else
 *   <li>gets a new container when the free user memory holds one; else
 *   <li>evicts idle containers (nothing in flight) of other actions or older revisions, least
 *       recently used first, until their memory (freed once they are removed) makes room, and waits
 *       for them; else
 *   <li>waits in the queue until a container of its action frees a slot, or memory frees.
 * </ol>
 *
 * <p>Invariants: the memory of every container, from its creation until its proxy stopped, counts
 * against the capacity, so it is never exceeded. Memory being reclaimed from evicted containers is
 * promised to queued activations in queue order; an activation that cannot get memory even by
 * eviction blocks later ones from creating containers (so it is not starved by smaller ones), but
 * not from running on warm containers.
 */
public record PushState(long capacityMb, Map<String, Box> boxes, List<Pending> queue) {

  /**
   * One container, named as its proxy. {@code inFlight} counts activations handed to it and not yet
   * acknowledged or released; {@code removing} once it was evicted or refused work (it takes none
   * any more).
   */
  public record Box(
      String actionPath,
      String revision,
      long memoryMb,
      int concurrency,
      int inFlight,
      long lastUsedMs,
      boolean ready,
      boolean removing) {
    boolean isIdle() {
      return inFlight == 0 && !removing;
    }

    boolean takes(Action action) {
      return !removing
          && inFlight < concurrency
          && actionPath.equals(action.fqn().path())
          && revision.equals(action.revision());
    }

    Box with(int newInFlight, long newLastUsedMs, boolean newReady, boolean newRemoving) {
      return new Box(
          actionPath,
          revision,
          memoryMb,
          concurrency,
          newInFlight,
          newLastUsedMs,
          newReady,
          newRemoving);
    }
  }

  /**
   * A queued activation; {@code attempts} counts the containers that gave it back (or vanished with
   * it).
   */
  public record Pending(PushedActivation work, int attempts) {
    public Pending {
      Objects.requireNonNull(work, "work should not be null");
    }

    public String activationId() {
      return work.activation().activationId();
    }
  }

  /** What the actor carries out after {@link #dispatch}, in list order. */
  public sealed interface Decision {}

  /** Hand {@code pending} to container {@code container}. */
  public record Run(String container, Pending pending) implements Decision {}

  /** Start a container named {@code container} for {@code action}; a {@link Run} for it follows. */
  public record Create(String container, Action action) implements Decision {}

  /** Retire the idle container {@code container} to make room. */
  public record Evict(String container) implements Decision {}

  /** The next state and the decisions that lead to it. */
  public record Step(PushState state, List<Decision> decisions) {}

  public PushState {
    boxes = Collections.unmodifiableMap(new LinkedHashMap<>(boxes));
    queue = List.copyOf(queue);
  }

  public static PushState empty(long capacityMb) {
    return new PushState(capacityMb, Map.of(), List.of());
  }

  public long usedMb() {
    return boxes.values().stream().mapToLong(Box::memoryMb).sum();
  }

  /** Memory of containers with nothing in flight that are not being removed. */
  public long idleMb() {
    return boxes.values().stream().filter(Box::isIdle).mapToLong(Box::memoryMb).sum();
  }

  /** A new activation, at the end of the queue. */
  public PushState enqueue(Pending pending) {
    List<Pending> next = new ArrayList<>(queue);
    next.add(pending);
    return new PushState(capacityMb, boxes, next);
  }

  /** An activation given back: at the head of the queue, as it was accepted before those queued. */
  public PushState requeue(Pending pending) {
    List<Pending> next = new ArrayList<>(queue.size() + 1);
    next.add(new Pending(pending.work(), pending.attempts() + 1));
    next.addAll(queue);
    return new PushState(capacityMb, boxes, next);
  }

  /**
   * Places queued activations (see the class doc). {@code names} names a new container of an
   * action; it is called once per {@link Create}.
   */
  public Step dispatch(long now, Function<Action, String> names) {
    Map<String, Box> next = new LinkedHashMap<>(boxes);
    List<Pending> left = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    long avail = capacityMb - usedMb();
    long reclaiming = boxes.values().stream().filter(Box::removing).mapToLong(Box::memoryMb).sum();
    boolean blocked = false;
    for (Pending p : queue) {
      Action action = p.work().action();
      String warm = warm(next, action);
      if (warm != null) {
        Box b = next.get(warm);
        next.put(warm, b.with(b.inFlight() + 1, now, b.ready(), false));
        decisions.add(new Run(warm, p));
        continue;
      }
      if (blocked) {
        left.add(p);
        continue;
      }
      long memory = action.limits().memory();
      if (avail >= memory) {
        String name = names.apply(action);
        next.put(
            name,
            new Box(
                action.fqn().path(),
                action.revision(),
                memory,
                action.limits().concurrency(),
                1,
                now,
                false,
                false));
        avail -= memory;
        decisions.add(new Create(name, action));
        decisions.add(new Run(name, p));
        continue;
      }
      if (avail + reclaiming < memory) {
        List<String> idle =
            next.entrySet().stream()
                .filter(e -> e.getValue().isIdle())
                .sorted(Comparator.comparingLong(e -> e.getValue().lastUsedMs()))
                .map(Map.Entry::getKey)
                .toList();
        long evictable = idle.stream().mapToLong(n -> next.get(n).memoryMb()).sum();
        if (avail + reclaiming + evictable >= memory) {
          for (String victim : idle) {
            if (avail + reclaiming >= memory) break;
            Box b = next.get(victim);
            next.put(victim, b.with(0, b.lastUsedMs(), b.ready(), true));
            reclaiming += b.memoryMb();
            decisions.add(new Evict(victim));
          }
        }
      }
      if (avail + reclaiming >= memory) {
        reclaiming -=
            memory - avail; // promised to this activation: it is created once the victims are gone
        avail = 0;
      } else {
        blocked = true;
      }
      left.add(p);
    }
    return new Step(new PushState(capacityMb, next, left), List.copyOf(decisions));
  }

  /** The most recently used container of the action with a free slot, or null. */
  private static String warm(Map<String, Box> boxes, Action action) {
    String best = null;
    long bestUsed = Long.MIN_VALUE;
    for (Map.Entry<String, Box> e : boxes.entrySet()) {
      if (e.getValue().takes(action) && e.getValue().lastUsedMs() > bestUsed) {
        best = e.getKey();
        bestUsed = e.getValue().lastUsedMs();
      }
    }
    return best;
  }

  /** The container is initialised (its proxy reported ready). */
  public PushState ready(String container) {
    Box b = boxes.get(container);
    if (b == null || b.ready()) return this;
    return withBox(container, b.with(b.inFlight(), b.lastUsedMs(), true, b.removing()));
  }

  /** An activation of the container completed (its completion was published) at {@code now}. */
  public PushState finished(String container, long now) {
    Box b = boxes.get(container);
    if (b == null) return this;
    return withBox(container, b.with(Math.max(0, b.inFlight() - 1), now, b.ready(), b.removing()));
  }

  /**
   * The container gave an activation back: it takes no more work (it is retiring, expiring or its
   * init failed), so it is marked removing; its proxy stops soon.
   */
  public PushState released(String container) {
    Box b = boxes.get(container);
    if (b == null) return this;
    return withBox(
        container, b.with(Math.max(0, b.inFlight() - 1), b.lastUsedMs(), b.ready(), true));
  }

  /** The container's proxy stopped: its memory is free. */
  public PushState removed(String container) {
    if (!boxes.containsKey(container)) return this;
    Map<String, Box> next = new LinkedHashMap<>(boxes);
    next.remove(container);
    return new PushState(capacityMb, next, queue);
  }

  /** Empties the queue (the invoker shuts down): the state and what was queued. */
  public Map.Entry<PushState, List<Pending>> drop() {
    return Map.entry(new PushState(capacityMb, boxes, List.of()), queue);
  }

  /**
   * The heartbeat. While activations queue the invoker reports no free and no idle memory, so
   * controllers step to the next invoker; otherwise free memory is the unused capacity and idle
   * memory that of containers with nothing in flight.
   */
  public InvokerHeartbeat heartbeat(int invokerId, long now) {
    Map<String, Integer> byAction = new TreeMap<>();
    boxes.values().forEach(b -> byAction.merge(b.actionPath(), 1, Integer::sum));
    int creating = (int) boxes.values().stream().filter(b -> !b.ready()).count();
    boolean queued = !queue.isEmpty();
    long free = queued ? 0 : Math.max(0, capacityMb - usedMb());
    return new InvokerHeartbeat(
        invokerId, capacityMb, free, boxes.size(), byAction, creating, now, queued ? 0 : idleMb());
  }

  private PushState withBox(String name, Box box) {
    Map<String, Box> next = new LinkedHashMap<>(boxes);
    next.put(name, box);
    return new PushState(capacityMb, next, queue);
  }
}
