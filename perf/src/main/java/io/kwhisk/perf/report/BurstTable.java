package io.kwhisk.perf.report;

import io.kwhisk.perf.burst.BurstResult;
import java.util.List;
import java.util.Locale;

/** Burst results as a fixed-width text table for a terminal. */
public final class BurstTable {
  private static final String ROW = "%-16s %7s %6s %8s %6s %12s %9s %9s %9s %9s %6s %7s %6s %6s%n";

  private BurstTable() {}

  public static String render(List<BurstResult> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            "design",
            "actions",
            "mem MB",
            "wall s",
            "cold",
            "creations/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "ok",
            "errors",
            "429",
            "202"));
    for (BurstResult r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              r.design(),
              r.actions(),
              memory(r.memoryMb()),
              f(r.wallSeconds(), 2),
              r.coldStarts(),
              Double.isNaN(r.creationsPerSecond()) ? "n/a" : f(r.creationsPerSecond(), 2),
              f(r.p50(), 1),
              f(r.p90(), 1),
              f(r.p99(), 1),
              f(r.max(), 1),
              r.ok(),
              r.errors(),
              r.throttled(),
              r.accepted()));
    }
    return out.toString();
  }

  /** The actions' memory limit, or - for the platform's default. */
  static String memory(int memoryMb) {
    return memoryMb > 0 ? Integer.toString(memoryMb) : "-";
  }

  private static String f(double d, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", d);
  }
}
