package io.kwhisk.perf.cpu;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU milliseconds per activation, by component; NaN where the component could not be measured
 * (printed {@code n/a}, never 0). The platform is the sum of the platform components ({@link
 * Component#platform}): n/a when any of them is.
 */
public record CpuBreakdown(Map<Component, Double> millis) {
  /** Nothing measured (a row from a CSV without CPU columns, or a run without sampling). */
  public static final CpuBreakdown NONE = new CpuBreakdown(Map.of());

  public CpuBreakdown {
    Map<Component, Double> copy = new EnumMap<>(Component.class);
    for (Component c : Component.values()) copy.put(c, millis.getOrDefault(c, Double.NaN));
    millis = Map.copyOf(copy);
  }

  public double of(Component c) {
    return millis.get(c);
  }

  public double platform() {
    double sum = 0;
    for (Component c : Component.values()) {
      if (c.platform()) sum += millis.get(c);
    }
    return sum;
  }

  /**
   * The platform's JVMs alone (controller, invoker, broker, jvm, jvm-other): the processes' totals.
   */
  public double platformJvms() {
    return platform() - millis.get(Component.DOCKER);
  }

  /**
   * One line for stdout: {@code cpu/activation ms: platform 12.4 (controller 4.1, ...) containers
   * 1.8 loadgen 0.2}.
   */
  public String summary() {
    StringBuilder s =
        new StringBuilder("cpu/activation ms: platform ").append(format(platform())).append(" (");
    String sep = "";
    for (Component c : Component.values()) {
      if (!c.platform()) continue;
      s.append(sep).append(c.label()).append(' ').append(format(millis.get(c)));
      sep = ", ";
    }
    return s.append(") containers ")
        .append(format(of(Component.CONTAINERS)))
        .append(" loadgen ")
        .append(format(of(Component.LOADGEN)))
        .toString();
  }

  /** Two decimals, or {@code n/a}. */
  public static String format(double ms) {
    return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.2f", ms);
  }
}
