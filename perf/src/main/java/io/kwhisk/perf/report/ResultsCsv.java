package io.kwhisk.perf.report;

import static io.kwhisk.perf.report.CsvFile.fixed;
import static io.kwhisk.perf.report.CsvFile.number;

import io.kwhisk.perf.load.ScenarioResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The results file: one row per scenario, appended as each finishes, so that runs of different designs (and
 * days) accumulate in one file that {@link HtmlReport} re-renders. Columns are read by header name, so a file
 * written by an older version (without the trailing optional columns) still reads. Latencies are milliseconds,
 * {@code duration} is the measured window in seconds. Fields never need quoting: the design label is restricted to
 * {@code [A-Za-z0-9._-]}.
 */
public final class ResultsCsv {
  public static final List<String> HEADER = List.of("design", "actions", "users", "rate", "duration", "tps", "p50",
      "p90", "p99", "p999", "errors", "throttled", "cold_starts", "accepted", "ok", "at");
  private static final int REQUIRED_COLUMNS = 13;

  private ResultsCsv() {}

  /** Appends {@code row}, writing the header first when the file is new or empty. */
  public static void append(Path file, ScenarioResult row) throws IOException {
    CsvFile.append(file, HEADER, format(row));
  }

  static String format(ScenarioResult r) {
    return String.join(",", r.design(), Integer.toString(r.actions()), Integer.toString(r.users()),
        number(r.rate()), number(r.durationSeconds()), fixed(r.tps(), 1), fixed(r.p50(), 3), fixed(r.p90(), 3),
        fixed(r.p99(), 3), fixed(r.p999(), 3), Long.toString(r.errors()), Long.toString(r.throttled()),
        Long.toString(r.coldStarts()), Long.toString(r.accepted()), Long.toString(r.ok()), r.at().toString());
  }

  public static List<ScenarioResult> read(Path file) throws IOException {
    return CsvFile.read(file, HEADER.subList(0, REQUIRED_COLUMNS), row -> new ScenarioResult(row.text("design"),
        row.integer("actions"), row.integer("users"), row.number("rate"), row.number("duration"),
        row.number("tps"), row.number("p50"), row.number("p90"), row.number("p99"), row.number("p999"),
        row.count("errors"), row.count("throttled"), row.count("cold_starts"), row.count("accepted"),
        row.count("ok"), row.instant("at")));
  }
}
