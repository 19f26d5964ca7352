package io.kwhisk.perf.burst;

import io.kwhisk.perf.load.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One burst's outcome: a row of the burst CSV. Latencies in milliseconds, client-measured from the
 * burst's start, over the successful cold activations.
 *
 * @param actions N, the burst size (one invoke per fresh action)
 * @param memoryMb the actions' memory limit; 0 for the platform's default
 * @param wallSeconds from the burst's start to its last answer
 * @param coldStarts answers whose activation record carries {@code initTime}
 * @param creationSeconds from the burst's start (client clock) to the latest {@code start} of a
 *     cold activation record (invoker clock): the time the platform took to bring up all the
 *     containers it brought up
 * @param creationsPerSecond {@code coldStarts / creationSeconds}; 0 without cold starts, NaN when
 *     the window is not positive (the two clocks disagree)
 * @param max the slowest successful cold activation
 * @param ok successful activations, cold or not
 * @param oneAction the burst's N invocations were all of one fresh action (burst-parallel, {@code
 *     --one-action}), not one each of N fresh actions
 */
public record BurstResult(
    String design,
    int actions,
    int memoryMb,
    double wallSeconds,
    long coldStarts,
    double creationSeconds,
    double creationsPerSecond,
    double p50,
    double p90,
    double p99,
    double max,
    long ok,
    long errors,
    long throttled,
    long accepted,
    Instant at,
    boolean oneAction) {
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  /** A burst of N fresh actions invoked once each. */
  public BurstResult(
      String design,
      int actions,
      int memoryMb,
      double wallSeconds,
      long coldStarts,
      double creationSeconds,
      double creationsPerSecond,
      double p50,
      double p90,
      double p99,
      double max,
      long ok,
      long errors,
      long throttled,
      long accepted,
      Instant at) {
    this(
        design,
        actions,
        memoryMb,
        wallSeconds,
        coldStarts,
        creationSeconds,
        creationsPerSecond,
        p50,
        p90,
        p99,
        max,
        ok,
        errors,
        throttled,
        accepted,
        at,
        false);
  }

  /**
   * {@link #of(String, int, int, long, long, List, Instant, boolean)} of a burst of N fresh
   * actions.
   */
  public static BurstResult of(
      String design,
      int actions,
      int memoryMb,
      long burstStartMillis,
      long wallNanos,
      List<BurstSample> samples,
      Instant at) {
    return of(design, actions, memoryMb, burstStartMillis, wallNanos, samples, at, false);
  }

  /**
   * Summarises a burst's samples.
   *
   * @param burstStartMillis the burst's start on the client's epoch clock, to compare with the
   *     records' starts
   * @param wallNanos from the burst's start to its last answer
   */
  public static BurstResult of(
      String design,
      int actions,
      int memoryMb,
      long burstStartMillis,
      long wallNanos,
      List<BurstSample> samples,
      Instant at,
      boolean oneAction) {
    Histogram cold = new Histogram(MAX_MICROS, 3);
    long coldStarts = 0;
    long timedColdStarts = 0;
    long lastColdStart = Long.MIN_VALUE;
    long ok = 0;
    long errors = 0;
    long throttled = 0;
    long accepted = 0;
    for (BurstSample s : samples) {
      Outcome o = s.outcome();
      if (o.coldStart()) coldStarts++;
      if (s.timedColdStart()) {
        timedColdStarts++;
        lastColdStart = Math.max(lastColdStart, s.startMillis().getAsLong());
      }
      switch (o.kind()) {
        case OK:
          ok++;
          if (o.coldStart()) {
            cold.recordValue(
                Math.min(MAX_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(s.latencyNanos()))));
          }
          break;
        case THROTTLED:
          throttled++;
          break;
        case ACCEPTED:
          accepted++;
          break;
        default:
          errors++;
      }
    }
    long windowMillis = timedColdStarts == 0 ? 0 : lastColdStart - burstStartMillis;
    return new BurstResult(
        design,
        actions,
        memoryMb,
        wallNanos / 1e9,
        coldStarts,
        windowMillis / 1000.0,
        creationRate(timedColdStarts, windowMillis),
        percentile(cold, 50),
        percentile(cold, 90),
        percentile(cold, 99),
        cold.getTotalCount() == 0 ? 0 : cold.getMaxValue() / 1000.0,
        ok,
        errors,
        throttled,
        accepted,
        at,
        oneAction);
  }

  /**
   * Containers brought up per second: {@code creations} over the window from the burst's start to
   * the last of them starting. 0 when nothing was created; NaN when the window is not positive,
   * which only happens when the invoker's clock is behind the client's (a container takes far
   * longer than a millisecond to start).
   */
  public static double creationRate(long creations, long windowMillis) {
    if (creations == 0) return 0;
    if (windowMillis <= 0) return Double.NaN;
    return creations * 1000.0 / windowMillis;
  }

  private static double percentile(Histogram h, double p) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1000.0;
  }
}
