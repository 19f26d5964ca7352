package io.kwhisk.perf.report;

import io.kwhisk.perf.lifecycle.LifecycleResult;
import java.util.List;
import java.util.Locale;

/** Lifecycle results as a fixed-width text table for a terminal: start times, then the requests. */
public final class LifecycleTable {
  private static final String ROW =
      "%-16s %7s %8s %6s %9s %9s %9s %9s %8s %8s %8s %8s %9s %7s %6s %6s %6s%n";

  private LifecycleTable() {}

  public static String render(List<LifecycleResult> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            "design",
            "actions",
            "requests",
            "mem MB",
            "start p50",
            "start p90",
            "start p99",
            "start max",
            "tps",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "invalid",
            "errors",
            "429",
            "202"));
    for (LifecycleResult r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              r.design(),
              r.actions(),
              r.requests(),
              BurstTable.memory(r.memoryMb()),
              f(r.startP50(), 1),
              f(r.startP90(), 1),
              f(r.startP99(), 1),
              f(r.startMax(), 1),
              f(r.tps(), 1),
              f(r.p50(), 2),
              f(r.p90(), 2),
              f(r.p99(), 2),
              f(r.p999(), 2),
              r.validationFailures(),
              r.errors(),
              r.throttled(),
              r.accepted()));
    }
    return out.toString();
  }

  private static String f(double d, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", d);
  }
}
