package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one container paces itself, learnt from its own traffic, as an immutable value beside {@link
 * ProxyState}: how long it may stay idle before it goes, how long before it is paused ({@link
 * PauseGrace}, learnt from its idle gaps) and how many records it pulls per poll ({@link
 * AdaptivePrefetch}, learnt from its run durations).
 *
 * @param pausing false when pausing is off (a configured pause grace of 0)
 * @param idleSince when the container last became idle (its last activation in flight finished), -1
 *     while busy
 */
record Pacing(
    Duration keepAlive,
    Duration firstPullGrace,
    boolean pausing,
    PauseGrace pauseGrace,
    AdaptivePrefetch prefetch,
    long idleSince) {

  /** A new pacing and the records per poll the feed should switch to, if it should. */
  record Resize(Pacing pacing, OptionalInt size) {}

  static Pacing of(ProxySettings settings, Action action) {
    return of(settings, action, Duration.ZERO);
  }

  /**
   * The pacing of a container whose controller decided a keep-alive of {@code decided} (zero: it
   * did not; see {@link ProxySettings#keepAliveFor(java.util.Map, Duration)}).
   */
  static Pacing of(ProxySettings settings, Action action, Duration decided) {
    int concurrency = action.limits().concurrency();
    Duration budget = settings.prefetch() > 0 ? Duration.ZERO : settings.prefetchBudget();
    return new Pacing(
        settings.keepAliveFor(action.annotations(), decided),
        settings.firstPullGrace(),
        !settings.pauseGrace().isZero(),
        PauseGrace.of(settings.pauseGrace(), settings.pauseGraceMax()),
        AdaptivePrefetch.of(concurrency, budget),
        -1);
  }

  /**
   * An activation is in flight at {@code nowMs}: the idle gap that ends now teaches the pause
   * grace.
   */
  Pacing busy(long nowMs) {
    PauseGrace grace = idleSince >= 0 ? pauseGrace.afterGap(nowMs - idleSince) : pauseGrace;
    return new Pacing(keepAlive, firstPullGrace, pausing, grace, prefetch, -1);
  }

  /** The container's last activation in flight finished at {@code nowMs}. */
  Pacing idle(long nowMs) {
    return new Pacing(keepAlive, firstPullGrace, pausing, pauseGrace, prefetch, nowMs);
  }

  /** The same pacing with another keep-alive. */
  Pacing withKeepAlive(Duration newKeepAlive) {
    return new Pacing(newKeepAlive, firstPullGrace, pausing, pauseGrace, prefetch, idleSince);
  }

  /**
   * How much of its idle window an idle container has left at {@code nowMs} (none below zero); the
   * whole window while it is busy.
   */
  Duration idleLeft(boolean pulledAny, long nowMs) {
    Duration window = idleWindow(pulledAny);
    if (idleSince < 0) return window;
    return Duration.ofMillis(Math.max(0, window.toMillis() - (nowMs - idleSince)));
  }

  /**
   * How long the container may stay idle. Until it has pulled its first activation ({@code
   * pulledAny}) it waits at least the configured first-pull grace: joining a share group can take
   * seconds (the first group on a broker much longer), and a container is only created because
   * activations wait for it. A container whose init failed likewise waits for the activation it
   * must report on.
   */
  Duration idleWindow(boolean pulledAny) {
    return pulledAny || keepAlive.compareTo(firstPullGrace) > 0 ? keepAlive : firstPullGrace;
  }

  /** How long an idle container waits before it is paused, none when pausing is off. */
  Optional<Duration> pauseAfter() {
    return pausing ? Optional.of(pauseGrace.grace()) : Optional.empty();
  }

  /**
   * A run of {@code runMs} ended at {@code nowMs}: learn from it, and resize the feed's polls when
   * the container's typical run calls for it and the feed {@code mayResize} (it is open and takes
   * work).
   */
  Resize afterRun(long runMs, long nowMs, boolean mayResize) {
    AdaptivePrefetch learnt = prefetch.afterRun(runMs);
    OptionalInt size = mayResize ? learnt.change(nowMs) : OptionalInt.empty();
    if (size.isPresent()) learnt = learnt.changedTo(size.getAsInt(), nowMs);
    return new Resize(
        new Pacing(keepAlive, firstPullGrace, pausing, pauseGrace, learnt, idleSince), size);
  }
}
