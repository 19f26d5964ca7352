package io.kwhisk.perf.trace;

import java.time.Duration;
import java.util.Objects;

/**
 * How a trace is mapped onto this machine. Arrivals: the first {@code minutes} minutes, time
 * compressed by {@code speed} (a trace minute lasts {@code 60 / speed} seconds). Execution: each
 * invocation runs for a duration drawn from its function's percentiles, times {@code
 * durationScale}, capped at {@code maxDuration} (arrivals and durations are scaled separately:
 * {@code speed} changes the load, not what one function does). Memory: each function's action has
 * the limit {@code memoryLimitMb}; its container holds its application's median allocated memory
 * times {@code memoryScale}, at most {@code memoryLimitMb - NODE_BASELINE_MB} (the trace's
 * gigabytes do not fit one machine; the Node.js runtime needs the rest).
 *
 * @param topFunctions replay only the most invoked functions of the window (0: all of them)
 * @param seed the arrivals' and durations' random seed: the same seed gives every design the same
 *     schedule
 */
public record ReplayPlan(
    int minutes,
    double speed,
    double durationScale,
    Duration maxDuration,
    int memoryLimitMb,
    double memoryScale,
    int topFunctions,
    long seed) {
  /**
   * What a Node.js 20 runtime holds before the action allocates anything, left free in every
   * container.
   */
  public static final int NODE_BASELINE_MB = 64;

  public ReplayPlan {
    Objects.requireNonNull(maxDuration, "maxDuration should not be null");
    if (minutes < 1) throw new IllegalArgumentException("--minutes should be >= 1, was " + minutes);
    if (!(speed > 0)) throw new IllegalArgumentException("--speed should be > 0, was " + speed);
    if (!(durationScale > 0)) {
      throw new IllegalArgumentException("--duration-scale should be > 0, was " + durationScale);
    }
    if (maxDuration.isNegative() || maxDuration.isZero()) {
      throw new IllegalArgumentException("--max-duration should be > 0, was " + maxDuration);
    }
    if (memoryLimitMb < 128)
      throw new IllegalArgumentException("--memory should be >= 128 MB, was " + memoryLimitMb);
    if (!(memoryScale >= 0))
      throw new IllegalArgumentException("--memory-scale should be >= 0, was " + memoryScale);
    if (topFunctions < 0)
      throw new IllegalArgumentException("--functions should be >= 0, was " + topFunctions);
  }

  /** The wall-clock length of one trace minute. */
  public long minuteNanos() {
    return Math.round(60e9 / speed);
  }

  /** The replayed duration of a drawn trace duration: scaled, capped, at least 1 ms. */
  public int durationMs(double traceMs) {
    double ms = Math.min(traceMs * durationScale, maxDuration.toMillis());
    return (int) Math.max(1, Math.round(ms));
  }

  /**
   * What a function's container allocates, in MB, for its application's median allocated memory.
   */
  public int allocationMb(double traceMb) {
    return (int) Math.min(memoryLimitMb - NODE_BASELINE_MB, Math.round(traceMb * memoryScale));
  }
}
