package io.kwhisk.perf.keepalive;

import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.perf.trace.ArrivalSchedule;
import io.kwhisk.perf.trace.AzureTrace;
import io.kwhisk.perf.trace.ReplayPlan;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Several keep-alive policies simulated over the same schedule of a trace (execution times as the
 * trace gives them, capped at {@code maxDuration}; each function's application median memory),
 * printed as one table whose last columns compare each policy with the first.
 */
public final class KeepAliveComparison {
  private KeepAliveComparison() {}

  /**
   * The schedule of the first {@code minutes} of {@code trace}: arrivals uniform within their
   * minute, seeded.
   */
  public static ArrivalSchedule schedule(
      AzureTrace trace, int minutes, long seed, Duration maxDuration) {
    return ArrivalSchedule.of(
        trace, new ReplayPlan(minutes, 1, 1, maxDuration, Integer.MAX_VALUE, 1, 0, seed));
  }

  public static List<SimulationResult> run(
      ArrivalSchedule schedule, int minutes, List<KeepAlivePolicy> policies) {
    List<SimulationResult> results = new ArrayList<>();
    for (KeepAlivePolicy p : policies)
      results.add(KeepAliveSimulation.run(schedule, minutes * 60_000L, p));
    return results;
  }

  /**
   * The table: per policy, cold starts, the functions' cold fractions (p50/p75/p90), memory-time,
   * vs the first.
   */
  public static void print(List<SimulationResult> results, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-22s %12s %8s %9s %9s %9s %14s %9s %9s%n",
        "policy",
        "cold starts",
        "cold %",
        "fn p50 %",
        "fn p75 %",
        "fn p90 %",
        "GB-s",
        "cold x",
        "GB-s x");
    SimulationResult first = results.isEmpty() ? null : results.get(0);
    for (SimulationResult r : results) {
      out.printf(
          Locale.ROOT,
          "%-22s %12d %8.2f %9.1f %9.1f %9.1f %14.0f %9.2f %9.2f%n",
          r.policy(),
          r.coldStarts(),
          100.0 * r.coldStarts() / Math.max(1, r.invocations()),
          100 * r.functionColdFraction(50),
          100 * r.functionColdFraction(75),
          100 * r.functionColdFraction(90),
          r.gbSeconds(),
          (double) r.coldStarts() / Math.max(1, first.coldStarts()),
          r.gbSeconds() / Math.max(1e-9, first.gbSeconds()));
    }
  }
}
