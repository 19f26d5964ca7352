package io.kwhisk.perf.report;

import static io.kwhisk.perf.report.CsvFile.fixed;

import io.kwhisk.perf.lifecycle.LifecycleResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The lifecycle results file: one row per run. Columns are read by name (see perf/README.md);
 * {@code duration} is the request phase in seconds, every other time milliseconds.
 */
public final class LifecycleCsv {
  public static final List<String> HEADER =
      List.of(
          "design",
          "actions",
          "requests",
          "memory",
          "start_p50",
          "start_p90",
          "start_p99",
          "start_max",
          "init_p50",
          "init_max",
          "duration",
          "tps",
          "p50",
          "p90",
          "p99",
          "p999",
          "valid",
          "validation_failures",
          "errors",
          "throttled",
          "accepted",
          "cold_starts",
          "request_cold_starts",
          "at");

  private LifecycleCsv() {}

  public static void append(Path file, LifecycleResult row) throws IOException {
    CsvFile.append(file, HEADER, format(row));
  }

  static String format(LifecycleResult r) {
    return String.join(
        ",",
        r.design(),
        Integer.toString(r.actions()),
        Integer.toString(r.requests()),
        Integer.toString(r.memoryMb()),
        fixed(r.startP50(), 3),
        fixed(r.startP90(), 3),
        fixed(r.startP99(), 3),
        fixed(r.startMax(), 3),
        fixed(r.initP50(), 3),
        fixed(r.initMax(), 3),
        fixed(r.durationSeconds(), 3),
        fixed(r.tps(), 1),
        fixed(r.p50(), 3),
        fixed(r.p90(), 3),
        fixed(r.p99(), 3),
        fixed(r.p999(), 3),
        Long.toString(r.valid()),
        Long.toString(r.validationFailures()),
        Long.toString(r.errors()),
        Long.toString(r.throttled()),
        Long.toString(r.accepted()),
        Long.toString(r.coldStarts()),
        Long.toString(r.requestColdStarts()),
        r.at().toString());
  }

  public static List<LifecycleResult> read(Path file) throws IOException {
    return CsvFile.read(
        file,
        HEADER.subList(0, HEADER.size() - 1),
        row ->
            new LifecycleResult(
                row.text("design"),
                row.integer("actions"),
                row.integer("requests"),
                row.integer("memory"),
                row.number("start_p50"),
                row.number("start_p90"),
                row.number("start_p99"),
                row.number("start_max"),
                row.number("init_p50"),
                row.number("init_max"),
                row.number("duration"),
                row.number("tps"),
                row.number("p50"),
                row.number("p90"),
                row.number("p99"),
                row.number("p999"),
                row.count("valid"),
                row.count("validation_failures"),
                row.count("errors"),
                row.count("throttled"),
                row.count("accepted"),
                row.count("cold_starts"),
                row.count("request_cold_starts"),
                row.instant("at")));
  }
}
