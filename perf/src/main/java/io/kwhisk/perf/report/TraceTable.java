package io.kwhisk.perf.report;

import io.kwhisk.perf.trace.TraceResult;
import java.util.List;
import java.util.Locale;

/** Trace replay results as a fixed-width text table for a terminal. */
public final class TraceTable {
  private static final String ROW =
      "%-14s %-12s %4s %7s %7s %6s %6s %5s %6s %5s %10s %10s %9s %9s %9s %9s%n";

  private TraceTable() {}

  public static String render(List<TraceResult> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            "design",
            "function",
            "rank",
            "invokes",
            "ok",
            "cold",
            "cold%",
            "429",
            "errors",
            "202",
            "slowdn p50",
            "slowdn p99",
            "p50 ms",
            "p99 ms",
            "exec p50",
            "mem GB-s"));
    for (TraceResult r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              r.design(),
              r.function(),
              r.rank(),
              r.invocations(),
              r.ok(),
              r.coldStarts(),
              f(100 * r.coldFraction(), 1),
              r.throttled(),
              r.errors(),
              r.accepted(),
              f(r.slowdownP50(), 2),
              f(r.slowdownP99(), 2),
              f(r.latencyP50Ms(), 0),
              f(r.latencyP99Ms(), 0),
              f(r.execP50Ms(), 0),
              f(r.memoryGbSeconds(), 1)));
    }
    return out.toString();
  }

  private static String f(double d, int decimals) {
    return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", d);
  }
}
