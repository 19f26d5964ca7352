package io.kwhisk.controller.throttle;

import java.time.Duration;

/**
 * An exponentially smoothed rate of a monotonic counter (an action's activations drained, as
 * inferred from this controller's completions scaled by its share of the action's traffic, see
 * {@link Admission}; or a namespace's activations completed), in events per second. Immutable:
 * {@link #next} returns the state after one more sample.
 *
 * <p>A sample taken while there was no work (nothing queued before or after) says nothing about how
 * fast work can drain, so it only moves the baseline and leaves the rate as it was; otherwise idle
 * periods would decay the rate to zero and the first burst after them would get the longest {@code
 * Retry-After}. A busy sample spans at least {@link #MIN_WINDOW_MILLIS}: shorter intervals
 * (frequent refreshes) accumulate into one, so that a burst of acknowledgements within a fraction
 * of a second does not read as a high rate.
 *
 * @param perSecond the smoothed rate; 0 until the first sample with work
 * @param count the counter at the last sample
 * @param at when the last sample was taken (epoch ms); {@code Long.MIN_VALUE} before the first
 */
public record DrainRate(double perSecond, long count, long at) {
  public static final DrainRate UNKNOWN = new DrainRate(0, 0, Long.MIN_VALUE);
  public static final long MIN_WINDOW_MILLIS = 1000;

  /**
   * The rate after observing {@code newCount} at {@code now}; {@code busy}: there was work during
   * the interval.
   */
  public DrainRate next(long newCount, long now, boolean busy, Duration smoothing) {
    if (at == Long.MIN_VALUE || now <= at || newCount < count)
      return new DrainRate(perSecond, newCount, now);
    if (!busy) return new DrainRate(perSecond, newCount, now);
    if (now - at < MIN_WINDOW_MILLIS) return this;
    double seconds = (now - at) / 1000.0;
    double sample = (newCount - count) / seconds;
    double alpha = 1 - Math.exp(-(now - at) / (double) smoothing.toMillis());
    double rate = perSecond == 0 ? sample : perSecond + alpha * (sample - perSecond);
    return new DrainRate(rate, newCount, now);
  }
}
