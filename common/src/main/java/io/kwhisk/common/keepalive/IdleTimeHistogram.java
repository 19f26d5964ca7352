package io.kwhisk.common.keepalive;

/**
 * The idle times of one action: how long after the end of an activation the next one arrived, in
 * one-minute bins over a bounded range (four hours by default, as in "Serverless in the Wild",
 * Shahrad et al., ATC 2020), plus the count of idle times beyond it. An arrival while the previous
 * activation still runs is an idle time of zero.
 *
 * <p>Not thread-safe: one owner updates it (the policy's caller, per action).
 */
public final class IdleTimeHistogram {
  /** The paper's range: 240 one-minute bins. */
  public static final int DEFAULT_BINS = 240;

  private static final long MINUTE_MS = 60_000;

  private final long[] bins;
  private long inRange;
  private long outOfBounds;

  public IdleTimeHistogram() {
    this(DEFAULT_BINS);
  }

  public IdleTimeHistogram(int bins) {
    if (bins < 1) throw new IllegalArgumentException("bins should be >= 1, was " + bins);
    this.bins = new long[bins];
  }

  /** Counts one idle time of {@code idleMs} (negative counts as zero). */
  public void record(long idleMs) {
    long bin = Math.max(0, idleMs) / MINUTE_MS;
    if (bin >= bins.length) {
      outOfBounds++;
    } else {
      bins[(int) bin]++;
      inRange++;
    }
  }

  /** The idle times counted, in range or not. */
  public long total() {
    return inRange + outOfBounds;
  }

  /** The share of idle times beyond the range (0 when none was counted). */
  public double outOfBoundsShare() {
    return total() == 0 ? 0 : (double) outOfBounds / total();
  }

  /** The range, in minutes. */
  public int rangeMinutes() {
    return bins.length;
  }

  /**
   * The bin (whole minutes) holding the {@code percentile}-th idle time among those in range: the
   * smallest bin whose cumulative count reaches that share. 0 when none is in range.
   */
  public int percentileBin(double percentile) {
    if (percentile < 0 || percentile > 100) {
      throw new IllegalArgumentException("percentile should be in [0, 100], was " + percentile);
    }
    if (inRange == 0) return 0;
    double needed = Math.max(1, Math.ceil(percentile / 100 * inRange));
    long seen = 0;
    for (int i = 0; i < bins.length; i++) {
      seen += bins[i];
      if (seen >= needed) return i;
    }
    return bins.length - 1;
  }

  /**
   * The coefficient of variation of the bin counts (standard deviation over mean): high when the
   * idle times gather in a few bins (a pattern worth predicting), near zero when they spread
   * evenly. 0 when none is in range.
   */
  public double binCountCv() {
    if (inRange == 0) return 0;
    double mean = (double) inRange / bins.length;
    double squares = 0;
    for (long count : bins) squares += (count - mean) * (count - mean);
    return Math.sqrt(squares / bins.length) / mean;
  }
}
