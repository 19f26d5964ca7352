package io.kwhisk.common.keepalive;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.Durations;
import java.time.Duration;

/**
 * Naming of keep-alive policies: {@code fixed:10m}, {@code hybrid:10m} (the hybrid's fallback
 * window).
 */
public final class Policies {
  private Policies() {}

  /**
   * The policy of kind {@code fixed} or {@code hybrid} (the paper's parameters) with {@code
   * window}.
   */
  public static KeepAlivePolicy of(String kind, Duration window) {
    return switch (kind) {
      case "fixed" -> new KeepAlivePolicy.Fixed(window);
      case "hybrid" -> KeepAlivePolicy.Hybrid.paper(window);
      default ->
          throw new IllegalArgumentException("a keep-alive policy is fixed or hybrid, was " + kind);
    };
  }

  /**
   * The policy a configuration names: {@code fixed:<window>}, {@code hybrid:<fallback>} (the
   * paper's parameters) or {@code hybrid:<fallback>:<least keep-alive>} ({@link
   * KeepAlivePolicy.Hybrid#bounded}); durations such as {@code 500ms}, {@code 30s}, {@code 7m},
   * {@code 4h}.
   *
   * @throws IllegalArgumentException with a message fit for the user when {@code spec} is none of
   *     these
   */
  public static KeepAlivePolicy parse(String spec) {
    String[] parts = spec.trim().split(":");
    boolean hybrid = parts[0].equals("hybrid");
    if (!(hybrid || parts[0].equals("fixed"))
        || parts.length < 2
        || parts.length > (hybrid ? 3 : 2)) {
      throw new IllegalArgumentException(
          "expected fixed:<window>, hybrid:<fallback> or hybrid:<fallback>:<least keep-alive>"
              + " (such as fixed:10m or hybrid:4h:7m), got '"
              + spec
              + "'");
    }
    Duration window = duration(parts[1], spec);
    if (window.isZero()) throw new IllegalArgumentException("the window must be positive: " + spec);
    if (parts.length == 3) return KeepAlivePolicy.Hybrid.bounded(window, duration(parts[2], spec));
    return of(parts[0], window);
  }

  private static Duration duration(String value, String spec) {
    try {
      return Durations.parse("window", value);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "expected a duration such as 500ms, 30s, 7m or 4h, got '"
              + value
              + "' in '"
              + spec
              + "'");
    }
  }
}
