package io.kwhisk.controller.scheduler;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How long each action's runs typically take, learnt from the {@code duration} of its completed
 * records: the {@link #QUANTILE} quantile of its runs over the last {@link #PERIOD_MS} to twice
 * that (the runs of the current period and of the one before), kept in a histogram of roughly 25%
 * wide buckets and read as the upper bound of the quantile's bucket.
 *
 * <p>Why a low quantile over a time window: a run's measured duration includes the host's queueing,
 * so on a saturated host a 1 ms action's runs measure 1-20 ms (median 5-6 ms, measured here with
 * the platform, the load generator and the containers on 2 cores), and a scale-in, a creation or a
 * JIT pause stretches a burst of them further. A weighted mean of the last few runs followed those
 * bursts within milliseconds at a few hundred activations a second, and the time-sized scale-out it
 * fed went 8 -> 2 -> 5 -> 2 containers (BENCHMARKS.md, "fewer, fuller containers"). Queueing only
 * ever adds to a run, so a low quantile stays near what the action itself takes, and one over
 * seconds of runs moves only when most runs moved. Underestimating a run costs little: sizing by
 * time only applies to runs shorter than the scale-out wait, and an action whose queue grows gets
 * containers in proportion to it. An action with no run in the window keeps its last typical run
 * (one that runs rarely is not forgotten between its runs).
 *
 * <p>Owned by the {@link Scheduler} actor: not thread-safe.
 */
final class RunTimes {
  /** The typical run of an action none of whose runs completed here yet. */
  static final double UNKNOWN = -1;

  /** The share of runs at or below the typical run. */
  static final double QUANTILE = 0.25;

  /** The length of a period: the median covers the current one and the one before. */
  static final long PERIOD_MS = 5_000;

  /** Upper bounds of the histogram's buckets in ms: 0-6 exactly, then ~25% wider each. */
  static final long[] BOUNDS = bounds();

  private final Map<String, Window> windows = new HashMap<>();

  /** The typical run of {@code path} in milliseconds at {@code now}, {@link #UNKNOWN} if none. */
  double typical(String path, long now) {
    Window w = windows.get(path);
    return w == null ? UNKNOWN : w.typical(now);
  }

  /** Counts a completed run of {@code durationMs} at {@code now} (negative: not a run, ignored). */
  void completed(String path, long durationMs, long now) {
    if (durationMs < 0) return;
    windows.computeIfAbsent(path, p -> new Window(now)).add(durationMs, now);
  }

  /** The action changed or went: what its old code took says nothing about the new one. */
  void forget(String path) {
    windows.remove(path);
  }

  /** The bucket of a run of {@code ms}: the first whose upper bound holds it. */
  static int bucket(long ms) {
    int i = Arrays.binarySearch(BOUNDS, ms);
    return Math.min(i >= 0 ? i : -i - 1, BOUNDS.length - 1);
  }

  private static long[] bounds() {
    long[] b = new long[64];
    for (int i = 0; i < b.length; i++) {
      b[i] = i <= 6 ? i : Math.max(b[i - 1] + 1, Math.round(b[i - 1] * 1.25));
    }
    return b;
  }

  /** One action's runs in the current and the previous period. */
  private static final class Window {
    private int[] current = new int[BOUNDS.length];
    private int[] previous = new int[BOUNDS.length];
    private long periodStart;
    private double last = UNKNOWN;

    Window(long now) {
      this.periodStart = now;
    }

    void add(long ms, long now) {
      roll(now);
      current[bucket(ms)]++;
    }

    double typical(long now) {
      roll(now);
      int total = 0;
      for (int i = 0; i < BOUNDS.length; i++) total += current[i] + previous[i];
      if (total == 0) return last;
      int seen = 0;
      for (int i = 0; i < BOUNDS.length; i++) {
        seen += current[i] + previous[i];
        if (seen >= QUANTILE * total) {
          last = BOUNDS[i];
          break;
        }
      }
      return last;
    }

    /** Starts a new period when the current one is over; a gap of two periods empties both. */
    private void roll(long now) {
      long elapsed = now - periodStart;
      if (elapsed < PERIOD_MS) return;
      int[] emptied = previous;
      Arrays.fill(emptied, 0);
      if (elapsed < 2 * PERIOD_MS) {
        previous = current;
      } else {
        Arrays.fill(current, 0);
        previous = current;
      }
      current = emptied;
      periodStart = now;
    }
  }
}
