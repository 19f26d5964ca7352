package io.kwhisk.perf.trace;

import java.util.Arrays;
import java.util.Locale;

/**
 * A distribution known only by a few percentiles, as the Azure trace gives it ({@code p0, p1, p25,
 * p50, p75, p99, p100} of execution times, {@code p1 .. p100} of memory). {@link #at(double)} is
 * its inverse CDF, linear between the given points and flat beyond the first and last: drawing
 * {@code at(u)} for a uniform {@code u} reproduces the given percentiles and nothing more.
 * Immutable.
 */
public final class Percentiles {
  private final double[] ranks;
  private final double[] values;

  /**
   * @param ranks percentile ranks in [0, 100], strictly increasing
   * @param values the value at each rank; made non-decreasing (the trace rounds, so p99 can read 1
   *     below p75)
   */
  public Percentiles(double[] ranks, double[] values) {
    if (ranks.length == 0 || ranks.length != values.length) {
      throw new IllegalArgumentException(
          "percentiles need as many values as ranks, at least one; were "
              + ranks.length
              + " ranks and "
              + values.length
              + " values");
    }
    this.ranks = ranks.clone();
    this.values = values.clone();
    for (int i = 0; i < ranks.length; i++) {
      if (ranks[i] < 0 || ranks[i] > 100 || (i > 0 && ranks[i] <= ranks[i - 1])) {
        throw new IllegalArgumentException(
            "percentile ranks should increase within [0, 100], were " + Arrays.toString(ranks));
      }
      if (!(values[i] >= 0))
        throw new IllegalArgumentException(
            "percentile values should be >= 0, were " + Arrays.toString(values));
      if (i > 0) this.values[i] = Math.max(this.values[i], this.values[i - 1]);
    }
  }

  /** The value at quantile {@code u} in [0, 1]. */
  public double at(double u) {
    double rank = Math.min(100, Math.max(0, u * 100));
    if (rank <= ranks[0]) return values[0];
    for (int i = 1; i < ranks.length; i++) {
      if (rank <= ranks[i]) {
        double f = (rank - ranks[i - 1]) / (ranks[i] - ranks[i - 1]);
        return values[i - 1] + f * (values[i] - values[i - 1]);
      }
    }
    return values[values.length - 1];
  }

  /** The median: what one number per function (the memory a function allocates) uses. */
  public double median() {
    return at(0.5);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Percentiles[");
    for (int i = 0; i < ranks.length; i++) {
      s.append(
          String.format(
              Locale.ROOT, "%sp%s=%s", i == 0 ? "" : ", ", trim(ranks[i]), trim(values[i])));
    }
    return s.append(']').toString();
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
