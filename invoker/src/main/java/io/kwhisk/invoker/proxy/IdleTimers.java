package io.kwhisk.invoker.proxy;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A container's two named idle timers and the {@link Pacing} that sizes them: the keep-alive, after
 * which an idle container goes, and the pause grace, after which it is paused. The pacing, learnt
 * from the container's idle gaps and run durations, also says when the feed's polls should be
 * resized ({@link #afterRun}). What an expiry means is {@link ProxyState}'s. Used on the proxy's
 * actor thread only, as its {@link TimerScheduler} is.
 */
final class IdleTimers<T> {
  private static final Object KEEP_ALIVE = "keep-alive";
  private static final Object PAUSE_GRACE = "pause-grace";

  private final TimerScheduler<T> timers;
  private final T keepAliveExpired;
  private final T pauseGraceExpired;
  private Pacing pacing;

  IdleTimers(TimerScheduler<T> timers, Pacing pacing, T keepAliveExpired, T pauseGraceExpired) {
    this.timers = Objects.requireNonNull(timers, "timers should not be null");
    this.pacing = Objects.requireNonNull(pacing, "pacing should not be null");
    this.keepAliveExpired = keepAliveExpired;
    this.pauseGraceExpired = pauseGraceExpired;
  }

  /**
   * The keep-alive (see {@link Pacing#idleWindow}), and the pause grace when pausing is on: the
   * container's own, stretched by its call rate up to the configured maximum.
   */
  void arm(boolean pulledAny) {
    timers.startSingleTimer(KEEP_ALIVE, keepAliveExpired, pacing.idleWindow(pulledAny));
    pacing
        .pauseAfter()
        .ifPresent(grace -> timers.startSingleTimer(PAUSE_GRACE, pauseGraceExpired, grace));
  }

  void disarm() {
    timers.cancel(KEEP_ALIVE);
    timers.cancel(PAUSE_GRACE);
  }

  /** An activation is in flight from {@code nowMs}: the idle gap that ends teaches the pacing. */
  void busy(long nowMs) {
    pacing = pacing.busy(nowMs);
  }

  /** The container's last activation in flight finished at {@code nowMs}. */
  void idle(long nowMs) {
    pacing = pacing.idle(nowMs);
  }

  /**
   * The keep-alive window is now {@code keepAlive}: a running keep-alive ends what is left of it,
   * counted from when the container became idle (at once if it has been idle for longer).
   */
  void keepAliveChanged(Duration keepAlive, boolean pulledAny, long nowMs) {
    pacing = pacing.withKeepAlive(keepAlive);
    if (!timers.isTimerActive(KEEP_ALIVE)) return;
    timers.startSingleTimer(KEEP_ALIVE, keepAliveExpired, pacing.idleLeft(pulledAny, nowMs));
  }

  /**
   * A run of {@code runMs} ended at {@code nowMs}: the records per poll the feed should switch to,
   * if it should and {@code mayResize} (see {@link Pacing#afterRun}).
   */
  OptionalInt afterRun(long runMs, long nowMs, boolean mayResize) {
    Pacing.Resize r = pacing.afterRun(runMs, nowMs, mayResize);
    pacing = r.pacing();
    return r.size();
  }

  /** The container's typical run, in ms, as the prefetch learnt it. */
  double typicalRunMs() {
    return pacing.prefetch().typicalRunMs();
  }

  Duration keepAlive() {
    return pacing.keepAlive();
  }
}
