package io.kwhisk.controller.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * How long each action's runs typically take, learnt from the {@code duration} of its completed
 * records: an exponentially weighted mean in which each run weighs {@link #WEIGHT}, and counts as
 * at most {@link #SPIKE} times the mean so far (a cold start's run, or one delayed on a busy host,
 * must not make a 1 ms action look like a 100 ms one; an action that really turned slow still gets
 * there, the mean growing by up to 60% a run). Owned by the {@link Scheduler} actor: not
 * thread-safe.
 */
final class RunTimes {
  /** The typical run of an action none of whose runs completed here yet. */
  static final double UNKNOWN = -1;

  static final double WEIGHT = 0.2;
  static final double SPIKE = 4;

  private final Map<String, Double> typical = new HashMap<>();

  /** The typical run of {@code path} in milliseconds, {@link #UNKNOWN} if none completed yet. */
  double typical(String path) {
    return typical.getOrDefault(path, UNKNOWN);
  }

  /** Counts a completed run of {@code durationMs} (negative: not a run, ignored). */
  void completed(String path, long durationMs) {
    if (durationMs < 0) return;
    typical.merge(path, (double) durationMs, RunTimes::next);
  }

  /** The action changed or went: what its old code took says nothing about the new one. */
  void forget(String path) {
    typical.remove(path);
  }

  /** The next weighted mean after a run of {@code sample} ms, given the mean so far. */
  static double next(double mean, double sample) {
    double bounded = Math.min(sample, Math.max(mean, 1) * SPIKE);
    return mean + WEIGHT * (bounded - mean);
  }
}
