package io.kwhisk.common.keepalive;

import java.time.Duration;
import java.util.Objects;

/**
 * What a keep-alive policy decides after an activation ends: a container of the action is released
 * at once and loaded again {@code prewarm} later when {@code prewarm} is positive (or kept, when it
 * is zero), then held, idle and reserved for its action, for {@code keepAlive}.
 */
public record KeepAliveWindows(Duration prewarm, Duration keepAlive) {
  public KeepAliveWindows {
    Objects.requireNonNull(prewarm, "prewarm should not be null");
    Objects.requireNonNull(keepAlive, "keepAlive should not be null");
    if (prewarm.isNegative())
      throw new IllegalArgumentException("prewarm should be >= 0, was " + prewarm);
    if (keepAlive.isNegative())
      throw new IllegalArgumentException("keepAlive should be >= 0, was " + keepAlive);
  }

  /** Kept for {@code keepAlive} from the end of the activation, no pre-warming. */
  public static KeepAliveWindows keep(Duration keepAlive) {
    return new KeepAliveWindows(Duration.ZERO, keepAlive);
  }
}
