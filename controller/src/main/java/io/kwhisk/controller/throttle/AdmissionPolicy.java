package io.kwhisk.controller.throttle;

import java.time.Duration;

/**
 * The arithmetic of admission, as pure functions so it is tested without Kafka, threads or clocks.
 *
 * <p>An action's allowed backlog is the larger of what its slots may hold ({@code containers it has
 * or may still get x concurrency x backlogPerSlot}) and what it drains in {@code maxQueueDelay} at
 * its observed rate, never below {@code minBacklog}. The slot term covers cold and slow actions (no
 * drain observed yet); the drain term lets a fast action queue more while the wait that backlog
 * implies stays near {@code maxQueueDelay}.
 *
 * <p>{@code Retry-After} is the time the queue needs, at the observed drain rate, to fall back
 * under its limit: {@code ceil((count - allowed + 1) / rate)} seconds, at least 1, at most {@code
 * maxRetryAfter} (also the answer while no drain has been observed: nothing says when the queue
 * will move).
 */
public final class AdmissionPolicy {
  private AdmissionPolicy() {}

  public static long allowedBacklog(
      int potentialContainers, int concurrency, double drainPerSecond, AdmissionSettings settings) {
    long bySlots =
        (long) Math.max(0, potentialContainers)
            * Math.max(1, concurrency)
            * settings.backlogPerSlot();
    long byDrain =
        (long)
            Math.floor(Math.max(0, drainPerSecond) * settings.maxQueueDelay().toMillis() / 1000.0);
    return Math.max(settings.minBacklog(), Math.max(bySlots, byDrain));
  }

  public static int retryAfterSeconds(
      long count, long allowed, double drainPerSecond, Duration maxRetryAfter) {
    long max = Math.max(1, maxRetryAfter.toSeconds());
    if (drainPerSecond <= 0 || Double.isNaN(drainPerSecond))
      return (int) Math.min(max, Integer.MAX_VALUE);
    long excess = Math.max(1, count - allowed + 1);
    double seconds = Math.ceil(excess / drainPerSecond);
    return (int) Math.max(1, Math.min(max, (long) seconds));
  }
}
