package io.kwhisk.perf.report;

import java.io.BufferedReader;
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
 * The mechanics the results files share: rows appended under one header (written when the file is
 * new, checked when it is not), and rows read by column name, so that a file with fewer (optional)
 * columns or another column order still reads. Fields never need quoting: labels are restricted to
 * {@code [A-Za-z0-9._-]}.
 */
final class CsvFile {
  private CsvFile() {}

  /**
   * Reads one row into a value; a {@link RuntimeException} becomes an error naming the file and
   * line.
   */
  interface RowReader<T> {
    T read(Row row);
  }

  /** Appends {@code row}, writing {@code header} first when the file is new or empty. */
  static void append(Path file, List<String> header, String row) throws IOException {
    if (file.toAbsolutePath().getParent() != null)
      Files.createDirectories(file.toAbsolutePath().getParent());
    String expected = String.join(",", header);
    StringBuilder out = new StringBuilder();
    if (!Files.exists(file) || Files.size(file) == 0) {
      out.append(expected).append('\n');
    } else {
      String existing;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        existing = in.readLine();
      }
      if (!expected.equals(existing)) {
        throw new IOException(file + " has another header (" + existing + "); write to a new file");
      }
    }
    out.append(row).append('\n');
    Files.writeString(
        file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * Reads every row; the {@code required} columns must be present, any others default to 0 (or the
   * epoch).
   */
  static <T> List<T> read(Path file, List<String> required, RowReader<T> reader)
      throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) return List.of();
    List<String> header = Arrays.asList(lines.get(0).trim().split(","));
    Map<String, Integer> col = new HashMap<>();
    for (int i = 0; i < header.size(); i++) col.put(header.get(i).trim(), i);
    for (String name : required) {
      if (!col.containsKey(name)) throw new IOException(file + ": missing column " + name);
    }
    List<T> rows = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n).trim();
      if (line.isEmpty()) continue;
      try {
        rows.add(reader.read(new Row(col, line.split(",", -1))));
      } catch (RuntimeException e) {
        throw new IOException(file + " line " + (n + 1) + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  /** One line's fields, looked up by column name. */
  static final class Row {
    private final Map<String, Integer> col;
    private final String[] fields;

    Row(Map<String, Integer> col, String[] fields) {
      this.col = col;
      this.fields = fields;
    }

    String text(String name) {
      Integer i = col.get(name);
      return i == null || i >= fields.length ? "" : fields[i].trim();
    }

    double number(String name) {
      String v = text(name);
      return v.isEmpty() ? 0 : Double.parseDouble(v);
    }

    /** A number, or NaN for {@code n/a} and for a column the file does not have. */
    double millisOrNaN(String name) {
      String v = text(name);
      return v.isEmpty() || v.equals("n/a") ? Double.NaN : Double.parseDouble(v);
    }

    int integer(String name) {
      return (int) number(name);
    }

    long count(String name) {
      return (long) number(name);
    }

    Instant instant(String name) {
      String v = text(name);
      return v.isEmpty() ? Instant.EPOCH : Instant.parse(v);
    }
  }

  /** A whole number without decimals, anything else with three. */
  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : fixed(d, 3);
  }

  static String fixed(double d, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", d);
  }
}
