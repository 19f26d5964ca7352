package io.kwhisk.perf.report;

import static io.kwhisk.perf.report.CsvFile.fixed;

import io.kwhisk.perf.burst.BurstResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The burst results file: one row per burst, appended as each finishes. Columns are read by name
 * (see perf/README.md); times in {@code wall_s} and {@code creation_s} are seconds, latencies
 * milliseconds. A creation rate that could not be computed (clock skew) is written {@code NaN}.
 */
public final class BurstCsv {
  public static final List<String> HEADER =
      List.of(
          "design",
          "actions",
          "memory",
          "wall_s",
          "cold_starts",
          "creation_s",
          "creations_per_s",
          "p50",
          "p90",
          "p99",
          "max",
          "ok",
          "errors",
          "throttled",
          "accepted",
          "at",
          "one_action");

  private BurstCsv() {}

  public static void append(Path file, BurstResult row) throws IOException {
    CsvFile.append(file, HEADER, format(row));
  }

  static String format(BurstResult r) {
    return String.join(
        ",",
        r.design(),
        Integer.toString(r.actions()),
        Integer.toString(r.memoryMb()),
        fixed(r.wallSeconds(), 3),
        Long.toString(r.coldStarts()),
        fixed(r.creationSeconds(), 3),
        fixed(r.creationsPerSecond(), 3),
        fixed(r.p50(), 3),
        fixed(r.p90(), 3),
        fixed(r.p99(), 3),
        fixed(r.max(), 3),
        Long.toString(r.ok()),
        Long.toString(r.errors()),
        Long.toString(r.throttled()),
        Long.toString(r.accepted()),
        r.at().toString(),
        r.oneAction() ? "1" : "0");
  }

  public static List<BurstResult> read(Path file) throws IOException {
    // at and one_action are optional: files written before them still read (as bursts of N fresh
    // actions).
    return CsvFile.read(
        file,
        HEADER.subList(0, HEADER.size() - 2),
        row ->
            new BurstResult(
                row.text("design"),
                row.integer("actions"),
                row.integer("memory"),
                row.number("wall_s"),
                row.count("cold_starts"),
                row.number("creation_s"),
                row.number("creations_per_s"),
                row.number("p50"),
                row.number("p90"),
                row.number("p99"),
                row.number("max"),
                row.count("ok"),
                row.count("errors"),
                row.count("throttled"),
                row.count("accepted"),
                row.instant("at"),
                row.integer("one_action") == 1));
  }
}
