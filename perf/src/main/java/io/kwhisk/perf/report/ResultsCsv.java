package io.kwhisk.perf.report;

import static io.kwhisk.perf.report.CsvFile.fixed;
import static io.kwhisk.perf.report.CsvFile.number;

import io.kwhisk.perf.cpu.Component;
import io.kwhisk.perf.cpu.CpuBreakdown;
import io.kwhisk.perf.load.ScenarioResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The results file: one row per scenario, appended as each finishes, so that runs of different
 * designs (and days) accumulate in one file that {@link HtmlReport} re-renders. Columns are read by
 * header name, so a file written by an older version (without the trailing optional columns) still
 * reads. Latencies are milliseconds, {@code duration} is the measured window in seconds. Fields
 * never need quoting: the design label is restricted to {@code [A-Za-z0-9._-]}. The {@code cpu_*}
 * columns are CPU milliseconds per activation by component ({@code n/a} where not measured); {@code
 * cpu_platform} is the sum of the platform's components.
 */
public final class ResultsCsv {
  public static final List<String> HEADER = header();
  private static final int REQUIRED_COLUMNS = 13;

  private ResultsCsv() {}

  private static List<String> header() {
    List<String> h =
        new ArrayList<>(
            List.of(
                "design",
                "actions",
                "users",
                "rate",
                "duration",
                "tps",
                "p50",
                "p90",
                "p99",
                "p999",
                "errors",
                "throttled",
                "cold_starts",
                "accepted",
                "ok",
                "at",
                "cpu_platform"));
    for (Component c : Component.values()) h.add(cpuColumn(c));
    return List.copyOf(h);
  }

  /** {@code cpu_jvm_other} for {@link Component#JVM_OTHER}. */
  public static String cpuColumn(Component c) {
    return "cpu_" + c.label().replace('-', '_');
  }

  /** Appends {@code row}, writing the header first when the file is new or empty. */
  public static void append(Path file, ScenarioResult row) throws IOException {
    CsvFile.append(file, HEADER, format(row));
  }

  static String format(ScenarioResult r) {
    return String.join(
        ",",
        r.design(),
        Integer.toString(r.actions()),
        Integer.toString(r.users()),
        number(r.rate()),
        number(r.durationSeconds()),
        fixed(r.tps(), 1),
        fixed(r.p50(), 3),
        fixed(r.p90(), 3),
        fixed(r.p99(), 3),
        fixed(r.p999(), 3),
        Long.toString(r.errors()),
        Long.toString(r.throttled()),
        Long.toString(r.coldStarts()),
        Long.toString(r.accepted()),
        Long.toString(r.ok()),
        r.at().toString(),
        cpuFormat(r.cpu()));
  }

  private static String cpuFormat(CpuBreakdown cpu) {
    StringBuilder s = new StringBuilder(millis(cpu.platform()));
    for (Component c : Component.values()) s.append(',').append(millis(cpu.of(c)));
    return s.toString();
  }

  private static String millis(double ms) {
    return Double.isNaN(ms) ? "n/a" : fixed(ms, 3);
  }

  public static List<ScenarioResult> read(Path file) throws IOException {
    return CsvFile.read(
        file,
        HEADER.subList(0, REQUIRED_COLUMNS),
        row ->
            new ScenarioResult(
                row.text("design"),
                row.integer("actions"),
                row.integer("users"),
                row.number("rate"),
                row.number("duration"),
                row.number("tps"),
                row.number("p50"),
                row.number("p90"),
                row.number("p99"),
                row.number("p999"),
                row.count("errors"),
                row.count("throttled"),
                row.count("cold_starts"),
                row.count("accepted"),
                row.count("ok"),
                row.instant("at"),
                cpu(row)));
  }

  private static CpuBreakdown cpu(CsvFile.Row row) {
    Map<Component, Double> millis = new EnumMap<>(Component.class);
    for (Component c : Component.values()) millis.put(c, row.millisOrNaN(cpuColumn(c)));
    return new CpuBreakdown(millis);
  }
}
