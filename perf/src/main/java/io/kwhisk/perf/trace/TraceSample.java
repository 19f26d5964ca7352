package io.kwhisk.perf.trace;

import io.kwhisk.perf.load.Outcome;
import java.util.Objects;

/**
 * One replayed invocation, answered (or given up on).
 *
 * @param function its function's index in the schedule
 * @param durationMs its execution time: how long the body was told to run
 * @param latencyNanos from its intended send time (the schedule, not when it actually left) to its
 *     answer
 */
public record TraceSample(int function, int durationMs, Outcome outcome, long latencyNanos) {
  public TraceSample {
    Objects.requireNonNull(outcome, "outcome should not be null");
  }

  /**
   * Dirigent's per-invocation slowdown: end-to-end latency over execution time (1 = no overhead at
   * all).
   */
  public double slowdown() {
    return latencyNanos / 1e6 / durationMs;
  }
}
