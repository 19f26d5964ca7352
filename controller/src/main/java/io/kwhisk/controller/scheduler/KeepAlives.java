package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.keepalive.IdleTimeHistogram;
import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.common.keepalive.KeepAliveWindows;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The keep-alive policy's view of each action, beside the {@link Scheduler} that owns it (not
 * thread-safe): the action's idle times, learnt from its arrivals as this controller sees them, and
 * what they decide: how long its containers stay idle (sent in each {@code ContainerCreation} and,
 * when it changes, as a {@code ContainerKeepAlive} to the invokers that host the action) and when
 * to pre-warm a container for it.
 *
 * <p>An idle time is the time from the moment the action's last outstanding activation ended here
 * (its completion was read, or it expired) to the next arrival; an arrival while another is
 * outstanding counts as zero, as in {@link IdleTimeHistogram}.
 *
 * <p>On the wire a window is the container's idle time in milliseconds: the policy's keep-alive
 * when it does not pre-warm; when it does ({@link KeepAliveWindows#prewarm} > 0) the action's
 * containers are released as soon as they are idle ({@link #RELEASE_MS}) and a pre-warmed one is
 * held for the keep-alive from when it is ready.
 *
 * <p>Memory is bounded by the actions seen within the histogram's range: an action with no arrival
 * or completion for longer is forgotten (its next arrival starts a new history, as the range would
 * have counted the gap out of bounds anyway), and so is a deleted one. Each costs its histogram
 * (240 counters, ~2 KB, by default).
 */
final class KeepAlives {
  /** The window that releases an idle container at once (the policy pre-warms instead). */
  static final long RELEASE_MS = 1;

  /** Windows are recomputed at most this often per action: not on every arrival of a busy one. */
  static final long RECOMPUTE_MS = 1_000;

  private static final class Entry {
    final IdleTimeHistogram idle;
    Action action;
    long lastActivity;
    long idleSince = -1;
    long prewarmedFor = -1;
    KeepAliveWindows windows;
    long computedAt;
    boolean dirty = true;
    long sentMs = -1;

    Entry(int bins, Action action) {
      this.idle = new IdleTimeHistogram(bins);
      this.action = action;
    }
  }

  private final KeepAlivePolicy policy;
  private final int bins;
  private final Map<String, Entry> entries = new HashMap<>();

  /**
   * {@code policy} null: no policy (creations leave the keep-alive to the invoker, nothing is
   * learnt or pre-warmed).
   */
  KeepAlives(KeepAlivePolicy policy, int bins) {
    this.policy = policy;
    this.bins = bins;
  }

  KeepAlives(KeepAlivePolicy policy) {
    this(policy, IdleTimeHistogram.DEFAULT_BINS);
  }

  /** Actions remembered (for tests and the memory bound). */
  int size() {
    return entries.size();
  }

  /**
   * An activation of {@code action} arrived at {@code now}; {@code othersOutstanding}: another of
   * its activations was still outstanding here.
   */
  void arrived(Action action, boolean othersOutstanding, long now) {
    if (policy == null) return;
    Entry e = entries.computeIfAbsent(action.fqn().path(), p -> new Entry(bins, action));
    if (othersOutstanding) e.idle.record(0);
    else if (e.idleSince >= 0) e.idle.record(now - e.idleSince);
    e.action = action;
    e.idleSince = -1;
    e.lastActivity = now;
    e.dirty = true;
  }

  /** The last outstanding activation of {@code path} ended at {@code now}: its idle time starts. */
  void idle(String path, long now) {
    Entry e = entries.get(path);
    if (e == null) return;
    e.idleSince = now;
    e.lastActivity = now;
  }

  /**
   * The action was updated: later pre-warms create the new revision; its callers' pattern stays.
   */
  void updated(Action action) {
    Entry e = entries.get(action.fqn().path());
    if (e != null) e.action = action;
  }

  /** The action was deleted. */
  void forget(String path) {
    entries.remove(path);
  }

  /** Forgets the actions with no arrival or completion within the histogram's range. */
  void expire(long now) {
    long range = bins * 60_000L;
    entries.values().removeIf(e -> now - e.lastActivity > range);
  }

  /** The policy's windows for {@code path} at {@code now}; null when none applies. */
  KeepAliveWindows windows(String path, long now) {
    Entry e = entries.get(path);
    return e == null ? null : windows(e, now);
  }

  private KeepAliveWindows windows(Entry e, long now) {
    if (e.windows == null || (e.dirty && now - e.computedAt >= RECOMPUTE_MS)) {
      e.windows = policy.windows(e.idle);
      e.computedAt = now;
      e.dirty = false;
    }
    return e.windows;
  }

  /**
   * The keep-alive a new container of {@code path} is created with (0: the invoker's), remembered
   * as what the action's containers were given.
   */
  long forCreation(String path, long now) {
    Entry e = entries.get(path);
    if (e == null) return 0;
    e.sentMs = wire(windows(e, now));
    return e.sentMs;
  }

  /** The keep-alive of a container pre-warmed for {@code path}: held for the whole window. */
  long forPrewarm(String path, long now) {
    Entry e = entries.get(path);
    if (e == null) return 0;
    e.sentMs = Math.max(RELEASE_MS, windows(e, now).keepAlive().toMillis());
    return e.sentMs;
  }

  /**
   * The window {@code path}'s containers should now be given, if it differs from the one they were
   * last given; remembered as given.
   */
  OptionalLong changed(String path, long now) {
    Entry e = entries.get(path);
    if (e == null) return OptionalLong.empty();
    long ms = wire(windows(e, now));
    if (ms == e.sentMs) return OptionalLong.empty();
    e.sentMs = ms;
    return OptionalLong.of(ms);
  }

  private static long wire(KeepAliveWindows w) {
    if (!w.prewarm().isZero()) return RELEASE_MS;
    return Math.max(RELEASE_MS, w.keepAlive().toMillis());
  }

  /**
   * The actions {@code eligible} (those this controller schedules and that wait for nothing) whose
   * pre-warm is due at {@code now}: idle, the policy pre-warms them, their pre-warm window has
   * passed and their keep-alive window has not, not yet pre-warmed in this idle period. Earliest
   * due first. An action whose window passed unnoticed is marked so it is not pre-warmed late.
   */
  List<Action> due(long now, Predicate<String> eligible) {
    if (policy == null) return List.of();
    record Due(Action action, long at) {}
    List<Due> due = new ArrayList<>();
    for (Map.Entry<String, Entry> me : entries.entrySet()) {
      Entry e = me.getValue();
      if (e.idleSince < 0 || e.prewarmedFor == e.idleSince) continue;
      KeepAliveWindows w = windows(e, now);
      if (w.prewarm().isZero()) continue;
      long at = e.idleSince + w.prewarm().toMillis();
      if (now < at) continue;
      if (now >= at + w.keepAlive().toMillis()) {
        e.prewarmedFor = e.idleSince;
        continue;
      }
      if (eligible.test(me.getKey())) due.add(new Due(e.action, at));
    }
    due.sort(Comparator.comparingLong(Due::at));
    return due.stream().map(Due::action).toList();
  }

  /** A container was planned for {@code path}'s pre-warm of this idle period. */
  void prewarmed(String path) {
    Entry e = entries.get(path);
    if (e != null) e.prewarmedFor = e.idleSince;
  }

  /**
   * Where to pre-warm the {@code due} actions, at most {@code limit} of them: each on the healthy
   * invoker with the most free memory that holds it, after the creations in flight there and the
   * {@code planned} ones of this decision; never on idle memory (a pre-warm does not evict another
   * action's warm container), and never for an action that has a container or a creation in flight.
   */
  static List<PlannedCreation> place(
      List<Action> due,
      Collection<InvokerState> healthy,
      Collection<CreationInFlight> inFlight,
      List<PlannedCreation> planned,
      int limit) {
    Map<Integer, Long> free = new HashMap<>();
    healthy.forEach(i -> free.put(i.id(), i.heartbeat().freeMemoryMb()));
    for (CreationInFlight c : inFlight) {
      if (!c.pending()) free.computeIfPresent(c.invokerId(), (id, f) -> f - c.memoryMb());
    }
    for (PlannedCreation p : planned) {
      free.computeIfPresent(p.invokerId(), (id, f) -> f - p.action().limits().memory());
    }
    List<PlannedCreation> plan = new ArrayList<>();
    for (Action action : due) {
      if (plan.size() >= limit) break;
      String path = action.fqn().path();
      boolean hosted =
          healthy.stream().anyMatch(i -> i.containers(path) > 0)
              || inFlight.stream().anyMatch(c -> c.actionPath().equals(path))
              || planned.stream().anyMatch(p -> p.action().fqn().path().equals(path));
      if (hosted) continue;
      int memory = action.limits().memory();
      InvokerState best = null;
      for (InvokerState i : healthy) {
        long f = free.get(i.id());
        if (f < memory) continue;
        long bestFree = best == null ? Long.MIN_VALUE : free.get(best.id());
        if (f > bestFree || (f == bestFree && i.id() < best.id())) best = i;
      }
      if (best == null) continue;
      free.merge(best.id(), (long) -memory, Long::sum);
      plan.add(new PlannedCreation(best.id(), action, 0));
    }
    return plan;
  }
}
