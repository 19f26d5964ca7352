package io.kwhisk.common.keepalive;

import io.kwhisk.common.config.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How long an action's containers stay warm after an activation, decided from the action's idle
 * times. Pure.
 */
public sealed interface KeepAlivePolicy {
  /** The windows to apply after an activation ends, given the action's idle times so far. */
  KeepAliveWindows windows(IdleTimeHistogram idleTimes);

  /** A name for reports: {@code fixed:10m}, {@code hybrid:10m}. */
  String name();

  /**
   * The same window for every action, whatever its idle times: OpenWhisk's and kwhisk's default (10
   * minutes).
   */
  record Fixed(Duration keepAlive) implements KeepAlivePolicy {
    public Fixed {
      Objects.requireNonNull(keepAlive, "keepAlive should not be null");
    }

    @Override
    public KeepAliveWindows windows(IdleTimeHistogram idleTimes) {
      return KeepAliveWindows.keep(keepAlive);
    }

    @Override
    public String name() {
      return "fixed:" + Durations.format(keepAlive);
    }
  }

  /**
   * The hybrid histogram policy of "Serverless in the Wild" (Shahrad et al., ATC 2020). When an
   * action's idle times form a pattern (at least {@code minSamples} of them, at most {@code
   * maxOutOfBounds} beyond the histogram's range, bin counts with a coefficient of variation of at
   * least {@code minCv}), the container is released after each activation and loaded again shortly
   * before the next is likely: pre-warm at the {@code headPercentile}-th idle time less {@code
   * margin}, kept until the {@code tailPercentile}-th plus {@code margin}. A frequent action thus
   * keeps its container only as long as its gaps need; an action called every 30 minutes holds none
   * in between. Without a pattern: {@code fallback}, a fixed window (the paper's answer to
   * unpredictable actions is a long one, or a time-series forecast for idle times beyond the range;
   * here the replay chooses).
   *
   * <p>{@code minKeepAlive} bounds the window of a container kept without pre-warming from below.
   * The paper models one container per application; an action that scales out has containers whose
   * own idle times are longer than the action's (its calls are spread over them), so a window sized
   * by the action's gaps retires them between bursts and turns the next burst cold: on the Azure
   * 2019 slice, the paper's parameters (no bound) made twice the cold starts of a fixed 10-minute
   * window, nearly all in the busiest functions.
   */
  record Hybrid(
      Duration fallback,
      double headPercentile,
      double tailPercentile,
      double margin,
      double minCv,
      int minSamples,
      double maxOutOfBounds,
      Duration minKeepAlive)
      implements KeepAlivePolicy {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    public Hybrid {
      Objects.requireNonNull(fallback, "fallback should not be null");
      Objects.requireNonNull(minKeepAlive, "minKeepAlive should not be null");
      if (!(headPercentile >= 0 && headPercentile < tailPercentile && tailPercentile <= 100)) {
        throw new IllegalArgumentException(
            "percentiles should satisfy 0 <= head < tail <= 100, were "
                + headPercentile
                + " and "
                + tailPercentile);
      }
      if (!(margin >= 0 && margin < 1))
        throw new IllegalArgumentException("margin should be in [0, 1), was " + margin);
      if (minSamples < 1)
        throw new IllegalArgumentException("minSamples should be >= 1, was " + minSamples);
    }

    /**
     * The paper's parameters: 5th and 99th percentiles, 10% margins, CV >= 2, with {@code fallback}
     * otherwise.
     */
    public static Hybrid paper(Duration fallback) {
      return new Hybrid(fallback, 5, 99, 0.10, 2.0, 10, 0.5, Duration.ZERO);
    }

    /**
     * The paper's parameters, and a container kept without pre-warming stays at least {@code
     * minKeepAlive}.
     */
    public static Hybrid bounded(Duration fallback, Duration minKeepAlive) {
      return new Hybrid(fallback, 5, 99, 0.10, 2.0, 10, 0.5, minKeepAlive);
    }

    @Override
    public KeepAliveWindows windows(IdleTimeHistogram idleTimes) {
      if (idleTimes.total() < minSamples
          || idleTimes.outOfBoundsShare() > maxOutOfBounds
          || idleTimes.binCountCv() < minCv) {
        return KeepAliveWindows.keep(fallback);
      }
      long headMs = idleTimes.percentileBin(headPercentile) * MINUTE.toMillis();
      long tailMs = (idleTimes.percentileBin(tailPercentile) + 1) * MINUTE.toMillis();
      long prewarmMs = (long) (headMs * (1 - margin));
      long keepMs = (long) Math.ceil((tailMs - prewarmMs) * (1 + margin));
      if (prewarmMs == 0) keepMs = Math.max(keepMs, minKeepAlive.toMillis());
      return new KeepAliveWindows(Duration.ofMillis(prewarmMs), Duration.ofMillis(keepMs));
    }

    @Override
    public String name() {
      return "hybrid:"
          + Durations.format(fallback)
          + (minKeepAlive.isZero() ? "" : ",min:" + Durations.format(minKeepAlive));
    }
  }
}
