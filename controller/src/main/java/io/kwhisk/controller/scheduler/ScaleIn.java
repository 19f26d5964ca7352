package io.kwhisk.controller.scheduler;

import io.kwhisk.common.message.ContainerDeletion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * When a busy action has far more containers than its load needs, and which to retire: the pure
 * side of the scheduler's scale-in.
 *
 * <p>Why: an action's containers all pull from its share group, so a surplus container is never
 * idle long enough for its keep-alive to end it; the load is spread thin instead, each container
 * pulling one record per share fetch (a fetch, an acknowledgement and a durable share-state write
 * on the broker per activation) where fewer containers would pull several. A surplus appears when a
 * cold action meets a burst: its run time is not known yet, so {@link SchedulingPolicy#wanted}
 * sizes by count (right for a long action, the common case of a burst of unknown work), and a short
 * action keeps what the burst made.
 *
 * <p>Rule: while an action is busy (activations outstanding at the decision) with a known typical
 * run, its need is what {@link SchedulingPolicy#needed} says; when its containers exceed {@link
 * #SURPLUS_FACTOR} times that need at every busy decision for {@link #AFTER_MS}, the surplus beyond
 * the largest need seen meanwhile is retired (the containers finish what they run and give back
 * what they hold). A decision with nothing outstanding neither starts nor ends a surplus, unless
 * the action was not busy for {@link #QUIET_GAP_MS}: idle containers are the keep-alive's business,
 * and an action busy again after a pause starts over. Retiring waits for the heartbeats to show the
 * containers gone ({@link #after}) before the next surplus is counted.
 *
 * @param since when the surplus was first seen
 * @param lastBusy the last busy decision that saw it
 * @param largestNeed the largest need seen since
 */
record ScaleIn(long since, long lastBusy, int largestNeed) {
  /** A surplus counts only beyond this many times the need (hysteresis against scale-out). */
  static final int SURPLUS_FACTOR = 2;

  /**
   * How long a surplus must last before containers are retired: ten times a cold start here, so a
   * container is not retired for a lull and created again at once.
   */
  static final long AFTER_MS = 10_000;

  /** A pause in the action's work this long starts the count over. */
  static final long QUIET_GAP_MS = 5_000;

  /**
   * A retirement: {@code deletion} (a scale-in of {@code path}, keeping {@code need} containers in
   * all) for invoker {@code invokerId}.
   */
  record Retirement(int invokerId, String path, int need, ContainerDeletion deletion) {}

  /** The surpluses after a decision, and the retirements it sends. */
  record Decision(Map<String, ScaleIn> surpluses, List<Retirement> retirements) {}

  /**
   * One decision at {@code now} over the busy actions ({@code demands}, those this scheduler owns)
   * and the actions with a surplus from before ({@code previous}). Creations in flight count as
   * containers: a burst sized by count before the action's run time was known is a surplus as soon
   * as it is known, and a creation the invoker never confirms (it stays in flight until the
   * creation timeout) must not hide it. Only running containers are retired; what still arrives is
   * counted at the next surplus.
   */
  static Decision decide(
      Map<String, ScaleIn> previous,
      Collection<Demand> demands,
      Collection<InvokerState> healthy,
      Collection<CreationInFlight> inFlight,
      long waitMs,
      long now) {
    Map<String, Demand> busy = new HashMap<>();
    for (Demand d : demands) busy.put(d.action().fqn().path(), d);
    Set<String> paths = new TreeSet<>(busy.keySet());
    paths.addAll(previous.keySet());
    Map<String, ScaleIn> next = new HashMap<>();
    List<Retirement> plan = new ArrayList<>();
    for (String path : paths) {
      Demand d = busy.get(path);
      int need =
          d == null
              ? 0
              : SchedulingPolicy.needed(
                  d.outstanding(), d.action().limits().concurrency(), d.typicalRunMs(), waitMs);
      int containers = SchedulerView.containers(healthy, inFlight, path);
      ScaleIn state = observe(previous.get(path), containers, need, now);
      if (state == null) continue;
      if (!state.due(now)) {
        next.put(path, state);
        continue;
      }
      for (Map.Entry<Integer, Integer> r : state.retirements(path, healthy).entrySet()) {
        plan.add(
            new Retirement(
                r.getKey(),
                path,
                state.largestNeed(),
                ContainerDeletion.surplus(
                    d.action().fqn().namespace(), d.action().fqn().name(), r.getValue())));
      }
    }
    return new Decision(Map.copyOf(next), List.copyOf(plan));
  }

  /** {@code surpluses} without {@code path} (its action was deleted). */
  static Map<String, ScaleIn> without(Map<String, ScaleIn> surpluses, String path) {
    if (!surpluses.containsKey(path)) return surpluses;
    Map<String, ScaleIn> next = new HashMap<>(surpluses);
    next.remove(path);
    return Map.copyOf(next);
  }

  /**
   * The surplus state after a decision at {@code now} for an action with {@code containers}
   * (running or being created) and {@code need} wanted (0: not busy now); null when there is no
   * surplus.
   */
  static ScaleIn observe(ScaleIn previous, int containers, int need, long now) {
    if (need <= 0) {
      return previous != null && now - previous.lastBusy() > QUIET_GAP_MS ? null : previous;
    }
    if (containers <= SURPLUS_FACTOR * need) return null;
    if (previous == null || now - previous.lastBusy() > QUIET_GAP_MS) {
      return new ScaleIn(now, now, need);
    }
    return new ScaleIn(previous.since(), now, Math.max(previous.largestNeed(), need));
  }

  /** Whether the surplus has lasted long enough to retire, at {@code now}. */
  boolean due(long now) {
    return now - since >= AFTER_MS && now == lastBusy;
  }

  /**
   * How many containers to retire on each invoker (by id) to leave {@code largestNeed} of the
   * action's containers: one at a time from the invoker with the most left, which spreads what is
   * kept over the invokers.
   */
  Map<Integer, Integer> retirements(String actionPath, Collection<InvokerState> healthy) {
    Map<Integer, Integer> left = new TreeMap<>();
    for (InvokerState i : healthy) {
      if (i.containers(actionPath) > 0) left.put(i.id(), i.containers(actionPath));
    }
    int surplus = left.values().stream().mapToInt(Integer::intValue).sum() - largestNeed;
    Map<Integer, Integer> retire = new TreeMap<>();
    for (; surplus > 0; surplus--) {
      int most = -1;
      for (Map.Entry<Integer, Integer> e : left.entrySet()) {
        if (most < 0 || e.getValue() > left.get(most)) most = e.getKey();
      }
      left.merge(most, -1, Integer::sum);
      retire.merge(most, 1, Integer::sum);
    }
    return retire;
  }
}
