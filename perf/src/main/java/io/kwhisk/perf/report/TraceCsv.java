package io.kwhisk.perf.report;

import static io.kwhisk.perf.report.CsvFile.fixed;

import io.kwhisk.perf.trace.TraceResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The trace replay's results file: per replay one {@code all} row and one row per function (rank 1
 * = most invoked), appended as the replay finishes. Columns are read by name (see perf/README.md);
 * slowdowns are ratios, latencies and execution times milliseconds, memory-time GB-seconds; a value
 * that could not be computed is {@code NaN}.
 */
public final class TraceCsv {
  public static final List<String> HEADER =
      List.of(
          "design",
          "function",
          "rank",
          "invocations",
          "ok",
          "cold_starts",
          "cold_fraction",
          "throttled",
          "errors",
          "accepted",
          "slowdown_p50",
          "slowdown_p99",
          "latency_p50_ms",
          "latency_p99_ms",
          "exec_p50_ms",
          "memory_gb_s",
          "minutes",
          "speed",
          "at");

  private TraceCsv() {}

  public static void append(Path file, List<TraceResult> rows) throws IOException {
    for (TraceResult r : rows) CsvFile.append(file, HEADER, format(r));
  }

  static String format(TraceResult r) {
    return String.join(
        ",",
        r.design(),
        r.function(),
        Integer.toString(r.rank()),
        Long.toString(r.invocations()),
        Long.toString(r.ok()),
        Long.toString(r.coldStarts()),
        fixed(r.coldFraction(), 4),
        Long.toString(r.throttled()),
        Long.toString(r.errors()),
        Long.toString(r.accepted()),
        fixed(r.slowdownP50(), 3),
        fixed(r.slowdownP99(), 3),
        fixed(r.latencyP50Ms(), 1),
        fixed(r.latencyP99Ms(), 1),
        fixed(r.execP50Ms(), 1),
        fixed(r.memoryGbSeconds(), 2),
        Integer.toString(r.minutes()),
        CsvFile.number(r.speed()),
        r.at().toString());
  }

  public static List<TraceResult> read(Path file) throws IOException {
    return CsvFile.read(
        file,
        HEADER.subList(0, HEADER.size() - 1),
        row ->
            new TraceResult(
                row.text("design"),
                row.text("function"),
                row.integer("rank"),
                row.count("invocations"),
                row.count("ok"),
                row.count("cold_starts"),
                row.number("cold_fraction"),
                row.count("throttled"),
                row.count("errors"),
                row.count("accepted"),
                row.number("slowdown_p50"),
                row.number("slowdown_p99"),
                row.number("latency_p50_ms"),
                row.number("latency_p99_ms"),
                row.number("exec_p50_ms"),
                row.number("memory_gb_s"),
                row.integer("minutes"),
                row.number("speed"),
                row.instant("at")));
  }
}
