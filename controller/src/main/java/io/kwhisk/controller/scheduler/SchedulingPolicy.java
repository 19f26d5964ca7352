package io.kwhisk.controller.scheduler;

import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's decisions as pure functions of its state, so they are tested without Kafka or
 * actors.
 *
 * <p>Rule: an action with outstanding activations and no container (running or being created) gets
 * one at once. An action whose outstanding activations exceed {@link #OVERLOAD_MARGIN} times what
 * its containers can run at once (containers x concurrency) gets enough new containers to run them
 * all, up to its {@code instances} bound and {@link #MAX_CREATIONS_PER_ACTION_PER_TICK} per
 * decision. The margin exists because a cold start costs far more than a short wait for a busy
 * container. Once the action's typical run is known ({@link Demand#typicalRunMs}), a scale-out is
 * sized by time instead of by count: as many containers as run the outstanding activations within
 * the scale-out wait ({@code kwhisk.controller.scale-out-wait}), as OpenWhisk's own scheduler sizes
 * an action's containers by its average duration and a staleness threshold. Ten outstanding
 * activations of a 1 ms action then stay on the one or two containers that run them within a few
 * milliseconds instead of spreading over ten containers that each pull one record per Kafka round
 * trip: every poll of a share consumer costs a fetch, the acknowledgement of the previous records
 * and a durable write of the group's state on the broker, whether it carries one record or twenty
 * (measured: BENCHMARKS.md, "fewer, fuller containers"). Each creation goes to the healthy invoker
 * with the most free memory that can hold the container; when none can and the action has no
 * container at all, to the one whose free plus idle memory (initialised containers with nothing to
 * run, which the invoker retires to make room) can hold it, most first. Creations in flight that no
 * heartbeat accounts for yet count against the free, then the idle memory of their invoker: without
 * that, each decision between a creation and the heartbeat that follows it promised the same idle
 * memory again, and the invoker refused the surplus (16 slots, 100 actions: ~90 refusals in 30 s).
 * Without the step to idle memory an invoker full of idle containers of other actions would starve
 * a new action until their keep-alive ran out; limiting it to an action's first container keeps
 * warm actions from evicting each other's containers to scale up (measured: 10 actions on 16 slots
 * under a closed loop made 44 containers and 29 evictions in 30 s when scale-ups could evict).
 *
 * <p>Slow start: an action may have at most {@link #MIN_STARTING} containers starting (asked for,
 * being created, started or initialised), or {@link #STARTING_PER_READY} per ready one if that is
 * more. Sized by count alone, a burst on an action whose containers come slowly asked for a
 * container per activation queued while the first ones were made, each of which held records while
 * it started: 200 invocations of one new noop action made 64 containers and the last answer came
 * after 17.8 s, behind the last of them (BENCHMARKS.md, "slow start"), and an Azure trace replay
 * filled the invoker with one action's containers, evicting the others'. With the bound, the first
 * ready containers run what they can while the next round is made, and each round may grow the
 * action threefold; a container from the prewarm stock is ready within milliseconds, so the bound
 * costs little where creations are fast. {@link #MIN_STARTING} is where the engine's own rate
 * levels off (perf engine here: 4.4 containers/s one at a time, 7.8-8.4/s at 4-16 in parallel).
 *
 * <p>Order: actions with no container come first, the one whose oldest activation waits longest
 * first, then the others by outstanding activations, most first. When memory is scarce (more
 * actions than fit, every invoker full) only a few first containers can be placed per decision, and
 * the order decides who waits: ordered by a hash map's iteration, the same actions won every time
 * and others waited 14-40 s for their first creation (100 actions on 16 slots, 20 users, while the
 * median waited 5 s).
 */
public final class SchedulingPolicy {
  static final double OVERLOAD_MARGIN = 1.5;
  static final int MAX_CREATIONS_PER_ACTION_PER_TICK = 8;

  /**
   * A run counts as at least this long when sizing by time: records carry whole milliseconds, and a
   * container's turn from one record to the next costs about that much on top of the run itself
   * (one container drained ~1,000 records a second through the platform, BENCHMARKS.md).
   */
  static final double SHORTEST_RUN_MS = 1;

  /**
   * The fewest containers a time-sized action keeps while more of its activations are outstanding
   * than one container runs at once. One container alone alternates between running and its feed's
   * turn (acknowledging the last records, fetching the next), so its runs stop while it turns; a
   * second one runs meanwhile. Measured at 1 action x 10 users: on one container the platform could
   * not keep up in one round of three (BENCHMARKS.md, "a run-time estimate that holds under load").
   */
  static final int BUSY_FLOOR = 2;

  /**
   * Containers an action may have starting per ready container, when that is more than the minimum.
   */
  static final int STARTING_PER_READY = 2;

  /** Containers an action may have starting whatever it has ready. */
  static final int MIN_STARTING = 4;

  private SchedulingPolicy() {}

  /**
   * How many containers {@code action} should have, given its load; at least {@code have} (never
   * shrinks).
   */
  static int wanted(int outstanding, int have, int concurrency, int instances) {
    return wanted(outstanding, have, concurrency, instances, RunTimes.UNKNOWN, 0);
  }

  /**
   * How many containers {@code action} should have, given its load, its typical run ({@code
   * typicalRunMs}, negative while unknown) and how long an activation may wait for a container
   * ({@code waitMs}, 0: sized by count alone); at least {@code have} (never shrinks).
   */
  static int wanted(
      int outstanding, int have, int concurrency, int instances, double typicalRunMs, long waitMs) {
    if (outstanding <= 0) return have;
    if (have == 0) return 1;
    if (outstanding <= have * concurrency * OVERLOAD_MARGIN) return have;
    int target = (int) Math.ceil((double) outstanding / concurrency);
    int byTime = needed(outstanding, concurrency, typicalRunMs, waitMs);
    if (byTime > 0) target = Math.min(target, byTime);
    return Math.max(have, Math.min(target, instances));
  }

  /**
   * The containers that run {@code outstanding} activations within {@code waitMs}, given the
   * action's typical run: {@code outstanding x run / (concurrency x wait)}, at least 1 and at most
   * one per outstanding activation (a run counts as at least {@link #SHORTEST_RUN_MS}), and at
   * least {@link #BUSY_FLOOR} while more are outstanding than one container runs at once; 0 when
   * nothing is outstanding, the run is not known or the wait is 0.
   */
  static int needed(int outstanding, int concurrency, double typicalRunMs, long waitMs) {
    if (outstanding <= 0 || typicalRunMs < 0 || waitMs <= 0) return 0;
    double runsWithinWait = Math.max(1, waitMs / Math.max(typicalRunMs, SHORTEST_RUN_MS));
    int byTime = (int) Math.ceil(outstanding / (concurrency * runsWithinWait));
    int floor = outstanding > concurrency ? BUSY_FLOOR : 1;
    return Math.max(byTime, floor);
  }

  /**
   * The most containers an action may have, counting those starting, when {@code ready} of its
   * containers are ready: {@code ready} plus {@link #MIN_STARTING} starting, or {@link
   * #STARTING_PER_READY} per ready one if that is more.
   */
  static int slowStartBound(int ready) {
    int r = Math.max(0, ready);
    return r + Math.max(MIN_STARTING, STARTING_PER_READY * r);
  }

  /**
   * Creations to start now, given what is outstanding, which invokers are healthy and what is in
   * flight.
   */
  public static List<PlannedCreation> decide(
      Collection<Demand> demands,
      Collection<InvokerState> healthy,
      Collection<CreationInFlight> inFlight) {
    return decide(demands, healthy, inFlight, 0);
  }

  /**
   * Creations to start now, given what is outstanding, which invokers are healthy, what is in
   * flight and how long an activation may wait for a container ({@code scaleOutWaitMs}, 0:
   * scale-out sized by count alone).
   */
  public static List<PlannedCreation> decide(
      Collection<Demand> demands,
      Collection<InvokerState> healthy,
      Collection<CreationInFlight> inFlight,
      long scaleOutWaitMs) {
    Map<Integer, Long> free = new HashMap<>();
    Map<Integer, Long> idle = new HashMap<>();
    for (InvokerState invoker : healthy) {
      free.put(invoker.id(), invoker.heartbeat().freeMemoryMb());
      idle.put(invoker.id(), invoker.heartbeat().idleMemoryMb());
    }
    Map<String, Integer> flying = new HashMap<>();
    Map<String, Integer> flyingOnInvoker = new HashMap<>();
    for (CreationInFlight c : inFlight) {
      if (!c.pending()) take(free, idle, c.invokerId(), c.memoryMb());
      flying.merge(c.actionPath(), 1, Integer::sum);
      flyingOnInvoker.merge(c.invokerId() + "|" + c.actionPath(), 1, Integer::sum);
    }
    Map<String, Integer> haveByPath = new HashMap<>();
    Map<String, Integer> readyByPath = new HashMap<>();
    for (Demand demand : demands) {
      String path = demand.action().fqn().path();
      int containers = healthy.stream().mapToInt(i -> i.containers(path)).sum();
      int starting = healthy.stream().mapToInt(i -> i.starting(path)).sum();
      haveByPath.put(path, containers + flying.getOrDefault(path, 0));
      readyByPath.put(path, Math.max(0, containers - starting));
    }
    List<Demand> ordered = new ArrayList<>(demands);
    ordered.sort(
        Comparator.comparing((Demand d) -> haveByPath.get(d.action().fqn().path()) > 0)
            .thenComparingLong(
                d -> haveByPath.get(d.action().fqn().path()) > 0 ? 0 : d.oldestSubmittedAt())
            .thenComparing(Comparator.comparingInt(Demand::outstanding).reversed()));
    List<PlannedCreation> plan = new ArrayList<>();
    for (Demand demand : ordered) {
      String path = demand.action().fqn().path();
      int have = haveByPath.get(path);
      int want =
          wanted(
              demand.outstanding(),
              have,
              demand.action().limits().concurrency(),
              demand.action().instances(),
              demand.typicalRunMs(),
              scaleOutWaitMs);
      want = Math.max(have, Math.min(want, slowStartBound(readyByPath.get(path))));
      int memory = demand.action().limits().memory();
      for (int n = 0; n < Math.min(want - have, MAX_CREATIONS_PER_ACTION_PER_TICK); n++) {
        InvokerState target = leastLoaded(healthy, free, memory);
        if (target == null && have + n == 0) target = mostReclaimable(healthy, free, idle, memory);
        if (target == null) break;
        take(free, idle, target.id(), memory);
        String slot = target.id() + "|" + path;
        int baseline = target.containers(path) + flyingOnInvoker.getOrDefault(slot, 0);
        flyingOnInvoker.merge(slot, 1, Integer::sum);
        plan.add(new PlannedCreation(target.id(), demand.action(), baseline));
      }
    }
    return plan;
  }

  /**
   * Counts {@code memory} of a creation the invoker has not accounted for yet against it: free
   * memory first, the rest against idle memory (the invoker evicts for it), so two creations are
   * never promised the same memory.
   */
  private static void take(
      Map<Integer, Long> free, Map<Integer, Long> idle, int invokerId, long memory) {
    if (!free.containsKey(invokerId)) return;
    long left = free.merge(invokerId, -memory, Long::sum);
    if (left < 0) {
      idle.merge(invokerId, left, Long::sum);
      free.put(invokerId, 0L);
    }
  }

  private static InvokerState leastLoaded(
      Collection<InvokerState> healthy, Map<Integer, Long> free, int memory) {
    InvokerState best = null;
    long bestFree = Long.MIN_VALUE;
    for (InvokerState invoker : healthy) {
      long f = free.getOrDefault(invoker.id(), 0L);
      if (f >= memory && (f > bestFree || (f == bestFree && invoker.id() < best.id()))) {
        best = invoker;
        bestFree = f;
      }
    }
    return best;
  }

  /**
   * The healthy invoker whose free plus idle memory holds {@code memory}, the most first; null if
   * none.
   */
  private static InvokerState mostReclaimable(
      Collection<InvokerState> healthy,
      Map<Integer, Long> free,
      Map<Integer, Long> idle,
      int memory) {
    InvokerState best = null;
    long bestRoom = Long.MIN_VALUE;
    for (InvokerState invoker : healthy) {
      long room =
          Math.max(0, free.getOrDefault(invoker.id(), 0L)) + idle.getOrDefault(invoker.id(), 0L);
      if (room >= memory && (room > bestRoom || (room == bestRoom && invoker.id() < best.id()))) {
        best = invoker;
        bestRoom = room;
      }
    }
    return best;
  }

  /**
   * Creations still in flight after {@code heartbeat}: those it shows done (the count grew past
   * baseline) go, and so do those the invoker refused, so the next decision places them elsewhere
   * instead of waiting for the timeout; those it names as pending are marked so, and no longer
   * counted against its memory by {@link #decide}.
   */
  public static List<CreationInFlight> afterHeartbeat(
      List<CreationInFlight> inFlight, InvokerHeartbeat heartbeat) {
    List<CreationInFlight> left = new ArrayList<>(inFlight.size());
    for (CreationInFlight c : inFlight) {
      boolean mine = c.invokerId() == heartbeat.invokerId();
      boolean done =
          mine
              && (heartbeat.containersByAction().getOrDefault(c.actionPath(), 0) > c.baseline()
                  || heartbeat.refusedCreations().contains(c.creationId()));
      if (done) continue;
      boolean pending =
          mine && !c.pending() && heartbeat.pendingCreations().contains(c.creationId());
      left.add(pending ? c.asPending() : c);
    }
    return left;
  }

  /**
   * Creations still in flight at {@code now}: those older than the timeout, or on an offline
   * invoker, go.
   */
  public static List<CreationInFlight> expire(
      List<CreationInFlight> inFlight,
      long now,
      long timeoutMillis,
      Collection<Integer> healthyIds) {
    List<CreationInFlight> left = new ArrayList<>(inFlight.size());
    for (CreationInFlight c : inFlight) {
      if (now - c.requestedAt() <= timeoutMillis && healthyIds.contains(c.invokerId())) left.add(c);
    }
    return left;
  }
}
