package io.kwhisk.controller.throttle;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A namespace's activations accepted by this controller and not completed yet, and how fast they
 * complete. Request and completion threads change the counters; the refresher thread replaces
 * {@link #rate}.
 */
final class NamespaceLoad {
  final AtomicInteger outstanding = new AtomicInteger();
  final AtomicLong completed = new AtomicLong();
  volatile DrainRate rate = DrainRate.UNKNOWN;

  /** Invocations counted in the current calendar minute (the per-minute limit). */
  private MinuteCount minute = MinuteCount.NONE;

  /** Counts one invocation at {@code now}; returns how many the minute had before it. */
  synchronized int countInMinute(long now) {
    minute = minute.plusOne(now);
    return minute.count() - 1;
  }

  /** Gives back an invocation counted at {@code now} that was refused by the per-minute limit. */
  synchronized void uncount(long now) {
    minute = minute.minusOne(now);
  }
}
