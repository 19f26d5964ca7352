package io.kwhisk.perf.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One row of a replay's results: one function ({@code rank} 1 = the most invoked), or the whole
 * replay ({@code function} = {@link #ALL}, rank 0). Slowdown and latency are over the successful
 * activations; 429s, 202s and errors are counted beside them, not in them (a design that sheds load
 * must not look faster for it).
 *
 * @param coldFraction cold starts (records with {@code initTime}) over successful activations; NaN
 *     without any
 * @param memoryGbSeconds container memory-time (limit x time alive) of the function's containers;
 *     the ALL row has every container of the platform, prewarmed stock included
 */
public record TraceResult(
    String design,
    String function,
    int rank,
    long invocations,
    long ok,
    long coldStarts,
    double coldFraction,
    long throttled,
    long errors,
    long accepted,
    double slowdownP50,
    double slowdownP99,
    double latencyP50Ms,
    double latencyP99Ms,
    double execP50Ms,
    double memoryGbSeconds,
    int minutes,
    double speed,
    Instant at) {
  /** The function name of the row that sums up the whole replay. */
  public static final String ALL = "all";

  public TraceResult {
    Objects.requireNonNull(design, "design should not be null");
    Objects.requireNonNull(function, "function should not be null");
    Objects.requireNonNull(at, "at should not be null");
  }

  /**
   * The rows of one replay: the ALL row first, then one per function of the schedule in its order
   * (most invoked first), functions without any invocation left out.
   */
  public static List<TraceResult> summarise(
      String design,
      ArrivalSchedule schedule,
      List<TraceSample> samples,
      MemoryTime memory,
      ReplayPlan plan,
      Instant at) {
    List<List<TraceSample>> byFunction = new ArrayList<>();
    for (int i = 0; i < schedule.functions().size(); i++) byFunction.add(new ArrayList<>());
    for (TraceSample s : samples) byFunction.get(s.function()).add(s);
    List<TraceResult> out = new ArrayList<>();
    out.add(row(design, ALL, 0, samples, memory.totalGbSeconds(), plan, at));
    for (int i = 0; i < byFunction.size(); i++) {
      if (byFunction.get(i).isEmpty()) continue;
      String name = schedule.functions().get(i).shortName();
      out.add(row(design, name, i + 1, byFunction.get(i), memory.gbSeconds(name), plan, at));
    }
    return out;
  }

  private static TraceResult row(
      String design,
      String function,
      int rank,
      List<TraceSample> samples,
      double gbSeconds,
      ReplayPlan plan,
      Instant at) {
    long ok = 0;
    long cold = 0;
    long throttled = 0;
    long errors = 0;
    long accepted = 0;
    List<Double> slowdowns = new ArrayList<>();
    List<Double> latencies = new ArrayList<>();
    List<Double> execs = new ArrayList<>();
    for (TraceSample s : samples) {
      switch (s.outcome().kind()) {
        case OK -> {
          ok++;
          if (s.outcome().coldStart()) cold++;
          slowdowns.add(s.slowdown());
          latencies.add(s.latencyNanos() / 1e6);
          execs.add((double) s.durationMs());
        }
        case THROTTLED -> throttled++;
        case ACCEPTED -> accepted++;
        case ERROR -> errors++;
        default -> throw new IllegalStateException("unknown outcome " + s.outcome());
      }
    }
    return new TraceResult(
        design,
        function,
        rank,
        samples.size(),
        ok,
        cold,
        ok == 0 ? Double.NaN : (double) cold / ok,
        throttled,
        errors,
        accepted,
        percentile(slowdowns, 0.5),
        percentile(slowdowns, 0.99),
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        percentile(execs, 0.5),
        gbSeconds,
        plan.minutes(),
        plan.speed(),
        at);
  }

  /**
   * The nearest-rank percentile ({@code q} in (0, 1]) of {@code values}; NaN when there are none.
   */
  static double percentile(List<Double> values, double q) {
    if (values.isEmpty()) return Double.NaN;
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
