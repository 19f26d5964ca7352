package io.kwhisk.common.keepalive;

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
}
