package io.kwhisk.controller.throttle;

import io.kwhisk.common.entity.Action;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission's view of one action's queue. Request threads bump {@link #produced}, the completion
 * reader bumps {@link #completed}, the refresher bumps {@link #abandoned}, all may read {@link
 * #snapshot}; the refresher thread replaces the snapshot. The backlog estimate is the lag Kafka
 * reported at the last refresh plus what this controller produced since that refresh began, minus
 * its activations completed since then: between refreshes it misses only other controllers' traffic
 * (each controller counts its own share the same way), and a completion whose acknowledgement the
 * refresh already saw may be subtracted twice (at most one refresh period's worth, corrected at the
 * next refresh).
 */
final class ActionQueue {
  /**
   * What the last refresh learnt; the bases are {@link #produced} and {@link #completed} when it
   * began.
   *
   * @param endOffset the topic's end offset at the last refresh ({@code -1} before the first)
   * @param share the part of the topic's records this controller produced (see {@link Admission}),
   *     in [0.01, 1]
   * @param drained the cumulative drain of the whole action this controller infers from its own
   *     completions
   * @param outstanding this controller's activations of the action not completed nor abandoned, at
   *     the bases
   */
  record Snapshot(
      long lag,
      long producedBase,
      long completedBase,
      long endOffset,
      double share,
      double drained,
      long outstanding,
      long allowed,
      DrainRate drain) {}

  final String path;

  /** Activations admitted for this action, minus those released (their produce failed). */
  final AtomicLong produced = new AtomicLong();

  /** Admitted activations seen complete (each counted once). */
  final AtomicLong completed = new AtomicLong();

  /** Admitted activations forgotten without a completion (expired). */
  final AtomicLong abandoned = new AtomicLong();

  volatile Action action;
  volatile Snapshot snapshot;
  volatile long lastUsed;

  ActionQueue(Action action, long allowed, long now) {
    this.path = action.fqn().path();
    this.action = action;
    this.snapshot = new Snapshot(0, 0, 0, -1, 1, 0, 0, allowed, DrainRate.UNKNOWN);
    this.lastUsed = now;
  }

  /** Activations queued or running now, as far as this controller can tell without asking Kafka. */
  long backlog() {
    return estimate(snapshot, produced.get());
  }

  /** The backlog given {@code s} and a value of {@link #produced}. */
  long estimate(Snapshot s, long producedNow) {
    return Math.max(
        0, s.lag() + producedNow - s.producedBase() - (completed.get() - s.completedBase()));
  }
}
