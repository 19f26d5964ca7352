package io.kwhisk.invoker.proxy;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How many records one container pulls per poll when the prefetch is not configured: as many as it
 * can run within a small budget of queued work, learnt from its own {@code /run} durations.
 *
 * <p>Every poll of a share consumer carries the acknowledgement of the previous one, a durable
 * write of the group's state on the broker: pulling one record per poll holds a container of
 * concurrency 1 at a few hundred activations a second, whatever the action costs. Pulling many
 * shares that cost, but a container holds the records it pulled, so another container cannot run
 * them and the controller's lag does not count them. So a container pulls {@code budget / typical
 * run} records per poll: 25 of an action that runs in 1 ms (25 ms of work queued at most), 1 of an
 * action that runs 100 ms. Never fewer than the action's concurrency (its slots) and never more
 * than {@link #MAX}. The typical run is an exponentially weighted mean (each run weighs a fifth,
 * and counts as at most {@link #SPIKE} times the mean so far); the container starts at its
 * concurrency and changes only after {@link #SETTLE_RUNS} runs ({@link #RESETTLE_RUNS} after a
 * change), and only past a band of a factor two either way (see {@link #change}): a change re-opens
 * the container's consumer, a leave and a join of the action's share group (about ten Kafka
 * requests and a new assignment for every member). So after its first change a container changes
 * again only {@link #RESETTLE_INTERVAL_MS} later, unless it holds far too much work ({@link
 * #OVERLOAD}).
 *
 * @param floor the action's concurrency: the fewest records a poll may carry
 * @param budgetMs the queued work one container may hold, in milliseconds; 0 turns adaptation off
 * @param current records per poll now
 * @param runs runs seen since the last change
 * @param typicalRunMs weighted mean of the runs seen, -1 before the first
 * @param changes how often the size changed
 * @param changedAtMs when the size last changed (a clock in milliseconds), meaningless while {@code
 *     changes} is 0
 */
record AdaptivePrefetch(
    int floor,
    double budgetMs,
    int current,
    int runs,
    double typicalRunMs,
    int changes,
    long changedAtMs) {
  /** The most records one poll may carry. */
  static final int MAX = 32;

  /** Runs seen before the size may change the first time. */
  static final int SETTLE_RUNS = 8;

  /**
   * Runs seen before each later change: on an overloaded host run times swing by more than the band
   * of {@link #change} (measured: 160 re-joins in two minutes for one action's ~128 containers at
   * 200 users).
   */
  static final int RESETTLE_RUNS = 64;

  /**
   * The least time between two changes after the first. Measured without it at 1 action x 10 users
   * on a loaded 2-core host: 456 re-joins in 150 s for 8 containers (sizes flipping between 1, 2
   * and 4), each re-join costing more than the state writes a larger batch saves.
   */
  static final long RESETTLE_INTERVAL_MS = 30_000;

  /**
   * A container holding more than this many budgets of queued work shrinks without waiting for the
   * interval (an action that turned slow must not sit behind a batch meant for a fast one).
   */
  static final int OVERLOAD = 8;

  /** A run is counted as at least this long: clock readings are whole milliseconds. */
  private static final double SHORTEST_RUN_MS = 0.5;

  /**
   * A run counts as at most this many times the typical run. On a busy host a 1 ms action's call
   * now and then takes 50-100 ms (the container or the invoker was not scheduled); unbounded, one
   * such run lifted the weighted mean past the overload line and dropped a container pulling 14
   * records to 1 for the next 30 s (measured: 163 activations a second drained instead of 1,035
   * with a fixed prefetch of 25, ContainerThroughputBenchmark, host load 10-13). An action that
   * really turned slow still reaches the line: the mean can grow 60% a run.
   */
  static final double SPIKE = 4;

  AdaptivePrefetch {
    if (floor < 1) throw new IllegalArgumentException("floor must be at least 1, got " + floor);
    if (budgetMs < 0)
      throw new IllegalArgumentException("budget must not be negative, got " + budgetMs);
  }

  /**
   * A container of {@code concurrency} slots that may hold {@code budget} of queued work (zero:
   * fixed).
   */
  static AdaptivePrefetch of(int concurrency, Duration budget) {
    return new AdaptivePrefetch(concurrency, budget.toNanos() / 1e6, concurrency, 0, -1, 0, 0);
  }

  /** A run of {@code ms} milliseconds ended. */
  AdaptivePrefetch afterRun(long ms) {
    double run = Math.max(SHORTEST_RUN_MS, ms);
    double typical =
        typicalRunMs < 0 ? run : 0.8 * typicalRunMs + 0.2 * Math.min(run, SPIKE * typicalRunMs);
    return new AdaptivePrefetch(floor, budgetMs, current, runs + 1, typical, changes, changedAtMs);
  }

  /**
   * The size the container should switch to at {@code nowMs}, if any; {@link #changedTo} records
   * the switch. It grows when the budget holds at least twice the current batch, and shrinks only
   * when the current batch holds more than twice the budget: between the two the size stays, so
   * runs that hover around a boundary (12 ms: one or two records?) do not make the consumer re-join
   * the group again and again. After the first change, a change also waits {@link
   * #RESETTLE_INTERVAL_MS}, except a shrink of a container holding {@link #OVERLOAD} budgets.
   */
  OptionalInt change(long nowMs) {
    if (budgetMs == 0 || typicalRunMs < 0 || runs < SETTLE_RUNS) return OptionalInt.empty();
    int wanted = (int) Math.max(floor, Math.min(MAX, Math.floor(budgetMs / typicalRunMs)));
    boolean grow = wanted >= 2 * current;
    boolean shrink = current > floor && current * typicalRunMs > 2 * budgetMs;
    if (!(grow || shrink) || wanted == current) return OptionalInt.empty();
    boolean overloaded = shrink && current * typicalRunMs > OVERLOAD * budgetMs;
    boolean settled =
        changes == 0 || (runs >= RESETTLE_RUNS && nowMs - changedAtMs >= RESETTLE_INTERVAL_MS);
    return settled || overloaded ? OptionalInt.of(wanted) : OptionalInt.empty();
  }

  /** The container pulls {@code size} records per poll from {@code nowMs} on. */
  AdaptivePrefetch changedTo(int size, long nowMs) {
    return new AdaptivePrefetch(floor, budgetMs, size, 0, typicalRunMs, changes + 1, nowMs);
  }
}
