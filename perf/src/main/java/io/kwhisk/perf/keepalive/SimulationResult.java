package io.kwhisk.perf.keepalive;

import java.util.List;

/** One policy over a whole schedule: per function, and the totals the paper compares. */
public record SimulationResult(String policy, List<FunctionResult> functions) {
  public SimulationResult {
    functions = List.copyOf(functions);
  }

  public long invocations() {
    return functions.stream().mapToLong(FunctionResult::invocations).sum();
  }

  public long coldStarts() {
    return functions.stream().mapToLong(FunctionResult::coldStarts).sum();
  }

  public double gbSeconds() {
    return functions.stream().mapToDouble(FunctionResult::gbSeconds).sum();
  }

  /**
   * The {@code percentile}-th of the functions' cold-start fractions (nearest rank): the paper's
   * headline is the 75th, the share of cold starts that three functions in four stay under.
   */
  public double functionColdFraction(double percentile) {
    double[] fractions =
        functions.stream().mapToDouble(FunctionResult::coldFraction).sorted().toArray();
    if (fractions.length == 0) return 0;
    int rank = (int) Math.ceil(percentile / 100 * fractions.length);
    return fractions[Math.max(0, Math.min(fractions.length - 1, rank - 1))];
  }
}
