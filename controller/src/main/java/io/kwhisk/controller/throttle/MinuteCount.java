package io.kwhisk.controller.throttle;

/**
 * Invocations counted in one calendar minute (epoch minute {@code minute}), as OpenWhisk counts
 * {@code invocationsPerMinute}: a fixed window that starts again at zero at every minute's turn.
 * Immutable.
 */
record MinuteCount(long minute, int count) {
  static final MinuteCount NONE = new MinuteCount(Long.MIN_VALUE, 0);

  static long minuteOf(long epochMillis) {
    return Math.floorDiv(epochMillis, 60_000L);
  }

  /** The count after one more invocation at {@code now}: a new minute starts at 1. */
  MinuteCount plusOne(long now) {
    long m = minuteOf(now);
    return m == minute ? new MinuteCount(m, count + 1) : new MinuteCount(m, 1);
  }

  /**
   * The count with one invocation of {@code now}'s minute given back (nothing when the minute
   * turned since).
   */
  MinuteCount minusOne(long now) {
    return minuteOf(now) == minute && count > 0 ? new MinuteCount(minute, count - 1) : this;
  }

  /** Seconds until the minute of {@code now} ends, when the count starts again: 1 to 60. */
  static int secondsToNextMinute(long now) {
    long left = 60_000L - Math.floorMod(now, 60_000L);
    return (int) Math.max(1, (left + 999) / 1000);
  }
}
