package io.kwhisk.invoker.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one container stays idle before it is paused, learnt from the gaps between its calls.
 *
 * <p>A pause saves the CPU an idle container's leftover timers burn, and costs a {@code docker
 * pause} now and a {@code docker unpause} (~10-50 ms of Docker work, on the activation's path) at
 * the next call. That trade pays only when the container then stays idle for long: a container
 * called every few seconds would pay an unpause on nearly every call. So the grace is twice the
 * container's typical idle gap (an exponentially weighted mean, each new gap weighing half), never
 * less than the configured minimum and never more than the maximum: an action called every 3 s is
 * not paused between calls, one called once a minute is paused after the maximum. A container that
 * has not been idle yet uses the minimum. With the minimum equal to the maximum the grace is fixed.
 *
 * @param min the configured pause grace, the least the container waits
 * @param max the longest grace the gaps can raise it to
 * @param typicalGapMs the weighted mean of the idle gaps seen so far, -1 before the first
 */
record PauseGrace(Duration min, Duration max, long typicalGapMs) {
  PauseGrace {
    Objects.requireNonNull(min, "min should not be null");
    Objects.requireNonNull(max, "max should not be null");
    if (max.compareTo(min) < 0)
      throw new IllegalArgumentException("max " + max + " is below min " + min);
  }

  static PauseGrace of(Duration min, Duration max) {
    return new PauseGrace(min, max, -1);
  }

  /** The container was idle for {@code gapMs} before its next call arrived. */
  PauseGrace afterGap(long gapMs) {
    long gap = Math.max(0, gapMs);
    return new PauseGrace(min, max, typicalGapMs < 0 ? gap : (typicalGapMs + gap) / 2);
  }

  /** How long the container waits idle before it is paused now. */
  Duration grace() {
    if (typicalGapMs < 0) return min;
    long ms = Math.min(max.toMillis(), Math.max(min.toMillis(), 2 * typicalGapMs));
    return Duration.ofMillis(ms);
  }
}
