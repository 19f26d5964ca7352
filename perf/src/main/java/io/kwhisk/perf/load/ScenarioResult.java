package io.kwhisk.perf.load;

import io.kwhisk.perf.cpu.CpuBreakdown;
import java.time.Instant;
import java.util.Objects;

/**
 * One scenario's outcome: a row of the results CSV. Latencies in milliseconds over the measured
 * window's successful activations; {@code tps} is successful activations per second of the measured
 * window.
 *
 * @param users closed loop: virtual users; 0 for open loop
 * @param rate open loop: target requests per second; 0 for closed loop
 * @param durationSeconds the measured window (warm-up excluded)
 * @param cpu CPU milliseconds per activation by component over the measured window; {@link
 *     CpuBreakdown#NONE} when not sampled
 */
public record ScenarioResult(
    String design,
    int actions,
    int users,
    double rate,
    double durationSeconds,
    double tps,
    double p50,
    double p90,
    double p99,
    double p999,
    long errors,
    long throttled,
    long coldStarts,
    long accepted,
    long ok,
    Instant at,
    CpuBreakdown cpu) {

  /** A row without CPU figures. */
  public ScenarioResult(
      String design,
      int actions,
      int users,
      double rate,
      double durationSeconds,
      double tps,
      double p50,
      double p90,
      double p99,
      double p999,
      long errors,
      long throttled,
      long coldStarts,
      long accepted,
      long ok,
      Instant at) {
    this(
        design,
        actions,
        users,
        rate,
        durationSeconds,
        tps,
        p50,
        p90,
        p99,
        p999,
        errors,
        throttled,
        coldStarts,
        accepted,
        ok,
        at,
        CpuBreakdown.NONE);
  }

  public ScenarioResult {
    Objects.requireNonNull(cpu, "cpu should not be null");
  }

  public static ScenarioResult of(
      Scenario scenario, Tally.Snapshot measured, double windowSeconds, Instant at) {
    return of(scenario, measured, windowSeconds, at, CpuBreakdown.NONE);
  }

  public static ScenarioResult of(
      Scenario scenario,
      Tally.Snapshot measured,
      double windowSeconds,
      Instant at,
      CpuBreakdown cpu) {
    return new ScenarioResult(
        scenario.design(),
        scenario.actions(),
        scenario.users(),
        scenario.rate(),
        windowSeconds,
        measured.ok() / windowSeconds,
        measured.percentileMillis(50),
        measured.percentileMillis(90),
        measured.percentileMillis(99),
        measured.percentileMillis(99.9),
        measured.errors(),
        measured.throttled(),
        measured.coldStarts(),
        measured.accepted(),
        measured.ok(),
        at,
        cpu);
  }

  public boolean openLoop() {
    return rate > 0;
  }
}
