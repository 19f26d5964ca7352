package io.kwhisk.common.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one syntax of a duration in kwhisk's settings and names: a whole number and a unit, {@code
 * ms}, {@code s}, {@code m} or {@code h} ({@code 250ms}, {@code 10s}, {@code 5m}, {@code 4h}); a
 * bare number means milliseconds. {@link #format} writes what {@link #parse} reads.
 */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private Durations() {}

  /** {@code value} of setting {@code key}; a {@link ConfigException} naming the key otherwise. */
  public static Duration parse(String key, String value) {
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new ConfigException(
          key, "expected a duration such as 500ms, 10s or 5m, got '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /**
   * {@code d} in the largest unit that shows it whole: {@code 4h}, {@code 10m}, {@code 30s}, {@code
   * 250ms}; {@code 0s} for zero.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) return ms + "ms";
    long s = ms / 1000;
    if (s % 3600 == 0 && s > 0) return s / 3600 + "h";
    if (s % 60 == 0 && s > 0) return s / 60 + "m";
    return s + "s";
  }
}
