package io.kwhisk.perf.report;

import io.kwhisk.perf.load.ScenarioResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
    StringBuilder out = new StringBuilder();
    if (!Files.exists(file) || Files.size(file) == 0) {
      out.append(String.join(",", HEADER)).append('\n');
    } else {
      String header = Files.newBufferedReader(file, StandardCharsets.UTF_8).readLine();
      if (!String.join(",", HEADER).equals(header)) {
        throw new IOException(file + " has another header (" + header + "); write to a new file");
      }
    }
    out.append(format(row)).append('\n');
    Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static String format(ScenarioResult r) {
    return String.join(",", r.design(), Integer.toString(r.actions()), Integer.toString(r.users()),
        number(r.rate()), number(r.durationSeconds()), fixed(r.tps(), 1), fixed(r.p50(), 3), fixed(r.p90(), 3),
        fixed(r.p99(), 3), fixed(r.p999(), 3), Long.toString(r.errors()), Long.toString(r.throttled()),
        Long.toString(r.coldStarts()), Long.toString(r.accepted()), Long.toString(r.ok()), r.at().toString());
  }

  public static List<ScenarioResult> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) return List.of();
    List<String> header = Arrays.asList(lines.get(0).trim().split(","));
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < header.size(); i++) col.put(header.get(i).trim(), i);
    for (String name : HEADER.subList(0, REQUIRED_COLUMNS)) {
      if (!col.containsKey(name)) throw new IOException(file + ": missing column " + name);
    }
    List<ScenarioResult> rows = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n).trim();
      if (line.isEmpty()) continue;
      String[] f = line.split(",", -1);
      try {
        rows.add(new ScenarioResult(f[col.get("design")], (int) dbl(f, col, "actions"), (int) dbl(f, col, "users"),
            dbl(f, col, "rate"), dbl(f, col, "duration"), dbl(f, col, "tps"), dbl(f, col, "p50"),
            dbl(f, col, "p90"), dbl(f, col, "p99"), dbl(f, col, "p999"), (long) dbl(f, col, "errors"),
            (long) dbl(f, col, "throttled"), (long) dbl(f, col, "cold_starts"), (long) dbl(f, col, "accepted"),
            (long) dbl(f, col, "ok"), instant(f, col)));
      } catch (RuntimeException e) {
        throw new IOException(file + " line " + (n + 1) + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  private static double dbl(String[] fields, Map<String, Integer> col, String name) {
    Integer i = col.get(name);
    if (i == null || i >= fields.length || fields[i].isBlank()) return 0;
    return Double.parseDouble(fields[i].trim());
  }

  private static Instant instant(String[] fields, Map<String, Integer> col) {
    Integer i = col.get("at");
    return i == null || i >= fields.length || fields[i].isBlank() ? Instant.EPOCH : Instant.parse(fields[i].trim());
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : fixed(d, 3);
  }

  private static String fixed(double d, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", d);
  }
}
