package io.kwhisk.controller.throttle;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Decides, per invoke, whether the activation may be queued (OpenWhisk's 429 otherwise). Three
 * limits:
 *
 * <ol>
 *   <li>Namespace rate: invocations of the namespace this controller counted in the current
 *       calendar minute stay under its share of {@link AdmissionSettings#namespacePerMinute}
 *       (OpenWhisk's {@code invocationsPerMinute}; 0: no limit). Every invocation that passes it
 *       counts, also one a later limit refuses (as OpenWhisk counts them); {@code Retry-After} is
 *       the time to the minute's turn.
 *   <li>Namespace concurrency: activations of the namespace this controller accepted and has not
 *       seen complete (nor expired) stay under this controller's share of the namespace's limit
 *       (its entry's override, or the default; the whole of it when it is the only controller, see
 *       {@link AdmissionSettings#share}).
 *   <li>Action backlog: the action's estimated queue ({@link ActionQueue#backlog()}) stays under
 *       {@link AdmissionPolicy#allowedBacklog}.
 * </ol>
 *
 * <p>Drain rate (which sizes the action backlog limit and {@code Retry-After}): measured from the
 * completions this controller itself observes, not from Kafka offsets. A share group's {@code
 * lag()} follows the group's persisted state and under-reports records that are acquired (in flight
 * on an invoker) but not yet acknowledged, so {@code endOffset - lag} runs ahead of what really
 * finished and its growth overstated the drain (measured on the standalone: 17/s real, 50/s or more
 * estimated), letting the queue, and the wait of admitted requests, grow far past {@code
 * maxQueueDelay}. Completions are exact. When several controllers share an action, each sees only
 * its own completions, so over each refresh window it estimates its share of the action's traffic
 * as {@code share = activations it produced / growth of the topic's end offset}, clamped to [0.01,
 * 1] (kept from the previous window when it produced nothing; 1 at first), and takes {@code own
 * completions / share} as the action's drain in that window. A window counts as busy (a rate
 * sample) only while this controller had activations of the action queued or running (outstanding
 * at its start, or produced or completed in it): its completions say nothing about the action
 * otherwise, so idle periods leave the rate alone. The lag is still used for the backlog itself.
 *
 * <p>Cost: {@link #admit} reads maps and bumps counters, O(1) and without any Kafka call; the lag
 * comes from {@link #refresh}, which one background thread runs for all active actions at once
 * ({@link LagRefresher}). Counters are reserved before they are checked and given back on refusal,
 * so concurrent requests cannot overshoot a limit. Thread-safe.
 *
 * <p>Contract with callers: every admitted activation is later either {@link #release}d (it could
 * not be queued) or {@link #completed}; one that is neither is forgotten after its action's timeout
 * plus {@code idleAfter}.
 */
public final class Admission {
  /**
   * The smallest share of an action's traffic a controller assumes (bounds {@code completions /
   * share}).
   */
  static final double MIN_SHARE = 0.01;

  private record Pending(String namespace, String actionPath, long expiresAt) {}

  private final AdmissionSettings settings;
  private final Clock clock;
  private final Capacity capacity;
  private final ToIntFunction<String> namespaceLimit;
  private final ToIntFunction<String> namespacePerMinute;
  private final ConcurrentHashMap<String, ActionQueue> actions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, NamespaceLoad> namespaces = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

  /**
   * @param namespaceLimit the concurrency limit of a namespace (an override stored with it, or the
   *     default)
   */
  public Admission(
      AdmissionSettings settings,
      Clock clock,
      Capacity capacity,
      ToIntFunction<String> namespaceLimit) {
    this(settings, clock, capacity, namespaceLimit, ns -> settings.namespacePerMinute());
  }

  /**
   * @param namespaceLimit the concurrency limit of a namespace (an override stored with it, or the
   *     default)
   * @param namespacePerMinute the invocations a namespace may start per minute, all controllers
   *     together (an override stored with it, or the default); 0: no limit
   */
  public Admission(
      AdmissionSettings settings,
      Clock clock,
      Capacity capacity,
      ToIntFunction<String> namespaceLimit,
      ToIntFunction<String> namespacePerMinute) {
    this.namespacePerMinute =
        Objects.requireNonNull(namespacePerMinute, "namespacePerMinute should not be null");
    this.settings = Objects.requireNonNull(settings, "settings should not be null");
    this.clock = Objects.requireNonNull(clock, "clock should not be null");
    this.capacity = Objects.requireNonNull(capacity, "capacity should not be null");
    this.namespaceLimit =
        Objects.requireNonNull(namespaceLimit, "namespaceLimit should not be null");
  }

  /**
   * Admits activation {@code activationId} of {@code action} and reserves its place, or says which
   * limit refuses it.
   */
  public Optional<Rejection> admit(String activationId, Action action) {
    long now = clock.millis();
    String namespace = action.namespace();
    NamespaceLoad load = namespaces.get(namespace);
    if (load == null) load = namespaces.computeIfAbsent(namespace, ns -> new NamespaceLoad());
    int minuteLimit = namespacePerMinute.applyAsInt(namespace);
    if (minuteLimit > 0) {
      int perMinute = settings.share(minuteLimit);
      int counted = load.countInMinute(now);
      if (counted >= perMinute) {
        load.uncount(now);
        return Optional.of(
            new Rejection(
                Rejection.Limit.NAMESPACE_RATE,
                counted + 1,
                perMinute,
                MinuteCount.secondsToNextMinute(now)));
      }
    }
    int limit = settings.share(namespaceLimit.applyAsInt(namespace));
    int inFlight = load.outstanding.incrementAndGet() - 1;
    if (inFlight >= limit) {
      load.outstanding.decrementAndGet();
      return Optional.of(
          new Rejection(
              Rejection.Limit.NAMESPACE_CONCURRENCY,
              inFlight,
              limit,
              AdmissionPolicy.retryAfterSeconds(
                  inFlight, limit, load.rate.perSecond(), settings.maxRetryAfter())));
    }
    String path = action.fqn().path();
    ActionQueue queue = actions.get(path);
    if (queue == null) queue = actions.computeIfAbsent(path, p -> newQueue(action, now));
    queue.action = action;
    queue.lastUsed = now;
    ActionQueue.Snapshot s = queue.snapshot;
    long queued = queue.estimate(s, queue.produced.incrementAndGet() - 1);
    if (queued >= s.allowed()) {
      queue.produced.decrementAndGet();
      load.outstanding.decrementAndGet();
      return Optional.of(
          new Rejection(
              Rejection.Limit.ACTION_BACKLOG,
              queued,
              s.allowed(),
              AdmissionPolicy.retryAfterSeconds(
                  queued, s.allowed(), s.drain().perSecond(), settings.maxRetryAfter())));
    }
    long ttl = action.limits().timeout() + settings.idleAfter().toMillis();
    pending.put(activationId, new Pending(namespace, path, now + ttl));
    return Optional.empty();
  }

  private ActionQueue newQueue(Action action, long now) {
    long allowed =
        AdmissionPolicy.allowedBacklog(
            capacity.potentialContainers(action), action.limits().concurrency(), 0, settings);
    return new ActionQueue(action, allowed, now);
  }

  /**
   * Gives back the place of an admitted activation that was not queued after all (its produce
   * failed).
   */
  public void release(String activationId) {
    Pending p = pending.remove(activationId);
    if (p == null) return;
    NamespaceLoad load = namespaces.get(p.namespace());
    if (load != null) load.outstanding.decrementAndGet();
    ActionQueue queue = actions.get(p.actionPath());
    if (queue != null) queue.produced.decrementAndGet();
  }

  /**
   * The activation completed: its namespace has one fewer in flight and its action's queue one
   * fewer record (until the next refresh replaces the estimate), and it counts towards the action's
   * drain rate. Unknown or repeated ids are ignored.
   */
  public void completed(String activationId) {
    Pending p = pending.remove(activationId);
    if (p == null) return;
    NamespaceLoad load = namespaces.get(p.namespace());
    if (load != null) {
      load.outstanding.decrementAndGet();
      load.completed.incrementAndGet();
    }
    ActionQueue queue = actions.get(p.actionPath());
    if (queue != null) queue.completed.incrementAndGet();
  }

  /** The action was deleted (its queue went with its topic): forget its queue. */
  public void forget(String actionPath) {
    actions.remove(actionPath);
  }

  /**
   * One refresh of the lag view: asks {@code source} once for every active action, then updates
   * each one's lag, share of the topic's traffic, drain rate (from this controller's completions,
   * see the class comment) and allowed backlog, drops idle actions and expired activations, and
   * updates namespace rates. Blocks for the source's round trip: call it from the refresher thread
   * only. When the source fails, the view keeps its estimates (which only grow with new
   * activations, so admission errs on the side of refusing).
   */
  public void refresh(LagSource source) throws Exception {
    List<ActionQueue> active = new ArrayList<>(actions.values());
    Map<String, long[]> bases = new HashMap<>();
    List<FullyQualifiedName> names = new ArrayList<>(active.size());
    for (ActionQueue q : active) {
      bases.put(q.path, new long[] {q.produced.get(), q.completed.get(), q.abandoned.get()});
      names.add(q.action.fqn());
    }
    Map<String, QueueOffsets> offsets = names.isEmpty() ? Map.of() : source.fetch(names);
    long now = clock.millis();
    for (ActionQueue q : active) {
      QueueOffsets o = offsets.get(q.path);
      if (o != null) update(q, o, bases.get(q.path), now);
      if (now - q.lastUsed > settings.idleAfter().toMillis() && q.backlog() == 0)
        actions.remove(q.path, q);
    }
    for (NamespaceLoad load : namespaces.values()) {
      DrainRate r = load.rate;
      long completed = load.completed.get();
      load.rate =
          r.next(
              completed,
              now,
              load.outstanding.get() > 0 || completed > r.count(),
              settings.drainSmoothing());
    }
    expire(now);
  }

  private void update(ActionQueue q, QueueOffsets o, long[] base, long now) {
    ActionQueue.Snapshot old = q.snapshot;
    long produced = base[0] - old.producedBase();
    long completed = Math.max(0, base[1] - old.completedBase());
    double share = nextShare(old.share(), produced, old.endOffset(), o.endOffset());
    double drained = old.drained() + completed / share;
    boolean busy = old.outstanding() > 0 || produced > 0 || completed > 0;
    DrainRate drain =
        old.drain().next((long) Math.floor(drained), now, busy, settings.drainSmoothing());
    Action action = q.action;
    long allowed =
        AdmissionPolicy.allowedBacklog(
            capacity.potentialContainers(action),
            action.limits().concurrency(),
            drain.perSecond(),
            settings);
    long outstanding = base[0] - base[1] - base[2];
    q.snapshot =
        new ActionQueue.Snapshot(
            o.lag(), base[0], base[1], o.endOffset(), share, drained, outstanding, allowed, drain);
  }

  /**
   * This controller's share of the action's traffic after a window in which it produced {@code
   * produced} records and the topic's end offset went from {@code endBefore} to {@code endAfter}:
   * their ratio, clamped to [{@link #MIN_SHARE}, 1]; {@code previous} when the window says nothing
   * (this controller produced nothing, the first window, or the end offset did not grow: our
   * records not landed yet, or the topic was recreated).
   */
  static double nextShare(double previous, long produced, long endBefore, long endAfter) {
    long grown = endAfter - endBefore;
    if (produced <= 0 || endBefore < 0 || grown <= 0) return previous;
    return Math.max(MIN_SHARE, Math.min(1.0, produced / (double) grown));
  }

  private void expire(long now) {
    for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Pending> e = it.next();
      if (e.getValue().expiresAt() < now && pending.remove(e.getKey(), e.getValue())) {
        NamespaceLoad load = namespaces.get(e.getValue().namespace());
        if (load != null) load.outstanding.decrementAndGet();
        ActionQueue queue = actions.get(e.getValue().actionPath());
        if (queue != null) queue.abandoned.incrementAndGet();
      }
    }
  }

  /** The estimated backlog of the action (0 when it is not in the view), for tests and metrics. */
  public long backlog(String actionPath) {
    ActionQueue q = actions.get(actionPath);
    return q == null ? 0 : q.backlog();
  }

  /**
   * The allowed backlog of the action as of the last refresh (empty when it is not in the view).
   */
  public Optional<Long> allowedBacklog(String actionPath) {
    return Optional.ofNullable(actions.get(actionPath)).map(q -> q.snapshot.allowed());
  }

  /**
   * The action's smoothed drain rate over all controllers, activations per second (0 when unknown),
   * inferred from this controller's completions and its share of the action's traffic.
   */
  public double drainRate(String actionPath) {
    ActionQueue q = actions.get(actionPath);
    return q == null ? 0 : q.snapshot.drain().perSecond();
  }

  /** The concurrent-invocation limit of {@code namespace}: its own, or the default. */
  public int namespaceLimit(String namespace) {
    return namespaceLimit.applyAsInt(namespace);
  }

  /**
   * The invocations {@code namespace} may start per minute (all controllers together): its own, or
   * the default; 0: no limit.
   */
  public int namespacePerMinute(String namespace) {
    return namespacePerMinute.applyAsInt(namespace);
  }

  /** Activations of {@code namespace} in flight as this controller counts them. */
  public int inFlight(String namespace) {
    NamespaceLoad load = namespaces.get(namespace);
    return load == null ? 0 : load.outstanding.get();
  }

  /**
   * The estimated backlog summed over every action in the view (a gauge: O(actions), off the
   * request path).
   */
  public long totalBacklog() {
    long sum = 0;
    for (ActionQueue q : actions.values()) sum += q.backlog();
    return sum;
  }

  /** How many actions the lag view follows. */
  public int activeActions() {
    return actions.size();
  }
}
