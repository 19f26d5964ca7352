package io.kwhisk.perf.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A slice of the Azure Functions 2019 trace ("Serverless in the Wild", Shahrad et al., ATC 2020) in
 * the trace's own schema, three CSVs in one directory:
 *
 * <ul>
 *   <li>{@code invocations.csv}: {@code HashFunction,HashApp,HashOwner,minute_1..minute_N} (or
 *       {@code 1..N}, as in the dataset's own day files), invocations per minute;
 *   <li>{@code durations.csv}: {@code HashFunction,HashApp,HashOwner,Count,Average,Minimum,Maximum,
 *       percentile_Average_<p>...}, execution-time percentiles in ms;
 *   <li>{@code memory.csv}: {@code
 *       HashApp,HashOwner,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct<p>...},
 *       allocated-memory percentiles in MB, per application.
 * </ul>
 *
 * Columns are found by name, percentile ranks read from the column names. Every invoked function
 * needs a durations row; an application without a memory row allocates nothing (the public dataset
 * misses some).
 */
public record AzureTrace(List<TraceFunction> functions) {
  public AzureTrace {
    functions = List.copyOf(functions);
  }

  /** Reads {@code dir/invocations.csv}, {@code dir/durations.csv} and {@code dir/memory.csv}. */
  public static AzureTrace read(Path dir) throws IOException {
    return parse(
        text(dir.resolve("invocations.csv")),
        text(dir.resolve("durations.csv")),
        text(dir.resolve("memory.csv")));
  }

  /** Parses the three files' contents; errors name the file, line and column. */
  public static AzureTrace parse(String invocations, String durations, String memory) {
    Map<String, Percentiles> durationByFunction =
        percentiles("durations.csv", durations, "HashFunction", "percentile_Average_");
    Map<String, Percentiles> memoryByApp =
        percentiles("memory.csv", memory, "HashApp", "AverageAllocatedMb_pct");
    List<String[]> rows = rows(invocations);
    if (rows.isEmpty()) throw new IllegalArgumentException("invocations.csv is empty");
    String[] header = rows.get(0);
    int fn = column("invocations.csv", header, "HashFunction");
    int app = column("invocations.csv", header, "HashApp");
    // The vHive slices name the minutes minute_1.., the dataset's day files 1..
    String minutePrefix = indexOf(header, "minute_1") >= 0 ? "minute_" : "";
    List<Integer> minuteColumns = new ArrayList<>();
    for (int m = 1; ; m++) {
      int c = indexOf(header, minutePrefix + m);
      if (c < 0) break;
      minuteColumns.add(c);
    }
    if (minuteColumns.isEmpty()) {
      throw new IllegalArgumentException("invocations.csv has neither a minute_1 nor a 1 column");
    }
    List<TraceFunction> out = new ArrayList<>();
    Set<String> shortNames = new HashSet<>();
    for (int line = 1; line < rows.size(); line++) {
      String[] r = rows.get(line);
      int[] perMinute = new int[minuteColumns.size()];
      long total = 0;
      for (int m = 0; m < perMinute.length; m++) {
        perMinute[m] =
            integer(
                "invocations.csv",
                line + 1,
                header[minuteColumns.get(m)].trim(),
                cell(r, minuteColumns.get(m)));
        total += perMinute[m];
      }
      String hash = cell(r, fn);
      Percentiles d = durationByFunction.get(hash);
      if (d == null) {
        if (total == 0) continue;
        throw new IllegalArgumentException(
            "durations.csv has no row for function "
                + hash
                + " (invocations.csv line "
                + (line + 1)
                + ")");
      }
      Percentiles mem =
          memoryByApp.getOrDefault(
              cell(r, app), new Percentiles(new double[] {0}, new double[] {0}));
      TraceFunction f = new TraceFunction(hash, cell(r, app), perMinute, d, mem);
      if (!shortNames.add(f.shortName())) {
        throw new IllegalArgumentException(
            "two functions share the name " + f.shortName() + " in invocations.csv");
      }
      out.add(f);
    }
    return new AzureTrace(out);
  }

  /** The minutes the trace covers (the longest function row). */
  public int minutes() {
    int m = 0;
    for (TraceFunction f : functions) m = Math.max(m, f.perMinute().length);
    return m;
  }

  private static Map<String, Percentiles> percentiles(
      String file, String text, String keyColumn, String prefix) {
    List<String[]> rows = rows(text);
    if (rows.isEmpty()) throw new IllegalArgumentException(file + " is empty");
    String[] header = rows.get(0);
    int key = column(file, header, keyColumn);
    List<Integer> cols = new ArrayList<>();
    List<Double> ranks = new ArrayList<>();
    for (int c = 0; c < header.length; c++) {
      if (header[c].startsWith(prefix)) {
        String rank = header[c].substring(prefix.length());
        try {
          ranks.add(Double.parseDouble(rank));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              file + ": column " + header[c] + " should end in a percentile rank", e);
        }
        cols.add(c);
      }
    }
    if (cols.isEmpty())
      throw new IllegalArgumentException(file + " has no " + prefix + "<rank> column");
    double[] r = new double[ranks.size()];
    for (int i = 0; i < r.length; i++) r[i] = ranks.get(i);
    Map<String, Percentiles> out = new HashMap<>();
    for (int line = 1; line < rows.size(); line++) {
      String[] row = rows.get(line);
      double[] v = new double[cols.size()];
      for (int i = 0; i < v.length; i++) {
        String cell = cell(row, cols.get(i));
        try {
          v[i] = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + (line + 1)
                  + ", column "
                  + header[cols.get(i)]
                  + ": not a number: "
                  + cell,
              e);
        }
      }
      try {
        out.put(cell(row, key), new Percentiles(r, v));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (line + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static List<String[]> rows(String text) {
    List<String[]> out = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (!line.isBlank()) out.add(line.split(",", -1));
    }
    return out;
  }

  private static int column(String file, String[] header, String name) {
    int c = indexOf(header, name);
    if (c < 0) throw new IllegalArgumentException(file + " has no " + name + " column");
    return c;
  }

  private static int indexOf(String[] header, String name) {
    for (int i = 0; i < header.length; i++) {
      if (header[i].trim().equals(name)) return i;
    }
    return -1;
  }

  private static String cell(String[] row, int c) {
    return c < row.length ? row[c].trim() : "";
  }

  private static int integer(String file, int line, String column, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) throw new NumberFormatException("negative");
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          file + " line " + line + ", column " + column + ": should be a count >= 0, was " + v, e);
    }
  }

  private static String text(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
