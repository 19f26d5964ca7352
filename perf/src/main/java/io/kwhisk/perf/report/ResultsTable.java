package io.kwhisk.perf.report;

import io.kwhisk.perf.load.ScenarioResult;
import java.util.List;
import java.util.Locale;

/** Results as a fixed-width text table for a terminal. */
public final class ResultsTable {
  private static final String ROW = "%-16s %7s %6s %8s %6s %9s %9s %9s %9s %9s %7s %9s %6s %6s%n";

  private ResultsTable() {}

  public static String render(List<ScenarioResult> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            "design",
            "actions",
            "users",
            "rate/s",
            "secs",
            "tps",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "errors",
            "throttled",
            "cold",
            "202"));
    for (ScenarioResult r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              r.design(),
              r.actions(),
              r.users() > 0 ? r.users() : "-",
              r.rate() > 0 ? String.format(Locale.ROOT, "%.0f", r.rate()) : "-",
              String.format(Locale.ROOT, "%.0f", r.durationSeconds()),
              f(r.tps(), 1),
              f(r.p50(), 2),
              f(r.p90(), 2),
              f(r.p99(), 2),
              f(r.p999(), 2),
              r.errors(),
              r.throttled(),
              r.coldStarts(),
              r.accepted()));
    }
    return out.toString();
  }

  private static String f(double d, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", d);
  }
}
