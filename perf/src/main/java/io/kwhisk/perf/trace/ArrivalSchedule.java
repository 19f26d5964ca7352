package io.kwhisk.perf.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The open-loop schedule of a replay: every invocation of the plan's window with its due time and
 * execution time.
 *
 * <p>Arrivals within a minute: the trace gives only a count {@code n} per minute, so the {@code n}
 * arrivals are drawn independently and uniformly within the minute. That is exactly a Poisson
 * process conditioned on the minute's count (its arrivals, given their number, are uniform order
 * statistics): bursts and gaps as random arrivals have them, with the trace's per-minute counts
 * kept exactly. The draw is seeded, so both designs of one run meet the same schedule. Durations
 * are drawn per invocation from the function's percentiles (inverse CDF, {@link Percentiles#at}).
 * Pure and immutable.
 *
 * @param functions the replayed functions, most invoked in the window first
 * @param allocationMb per function (same index), what its container allocates
 * @param arrivals every invocation, in due order
 */
public record ArrivalSchedule(
    List<TraceFunction> functions, List<Integer> allocationMb, List<Arrival> arrivals) {
  public ArrivalSchedule {
    functions = List.copyOf(functions);
    allocationMb = List.copyOf(allocationMb);
    arrivals = List.copyOf(arrivals);
  }

  public static ArrivalSchedule of(AzureTrace trace, ReplayPlan plan) {
    if (plan.minutes() > trace.minutes()) {
      throw new IllegalArgumentException(
          "--minutes " + plan.minutes() + " is beyond the trace's " + trace.minutes() + " minutes");
    }
    List<TraceFunction> invoked = new ArrayList<>();
    for (TraceFunction f : trace.functions()) {
      if (f.invocations(plan.minutes()) > 0) invoked.add(f);
    }
    // Most invoked first; ties by hash so the order (and the seeded draws) never depends on the
    // file's order.
    invoked.sort(
        Comparator.comparingLong((TraceFunction f) -> -f.invocations(plan.minutes()))
            .thenComparing(TraceFunction::hash));
    if (plan.topFunctions() > 0 && invoked.size() > plan.topFunctions()) {
      invoked = invoked.subList(0, plan.topFunctions());
    }
    SplittableRandom random = new SplittableRandom(plan.seed());
    long minuteNanos = plan.minuteNanos();
    List<Arrival> arrivals = new ArrayList<>();
    List<Integer> allocation = new ArrayList<>();
    for (int i = 0; i < invoked.size(); i++) {
      TraceFunction f = invoked.get(i);
      allocation.add(plan.allocationMb(f.memoryMb().median()));
      for (int m = 0; m < plan.minutes(); m++) {
        for (int k = 0; k < f.perMinute()[m]; k++) {
          long offset = m * minuteNanos + (long) (random.nextDouble() * minuteNanos);
          arrivals.add(
              new Arrival(offset, i, plan.durationMs(f.durationMs().at(random.nextDouble())), m));
        }
      }
    }
    arrivals.sort(
        Comparator.comparingLong(Arrival::offsetNanos).thenComparingInt(Arrival::function));
    return new ArrivalSchedule(invoked, allocation, arrivals);
  }

  /** The replay's length: the end of its last minute. */
  public long lengthNanos(ReplayPlan plan) {
    return plan.minutes() * plan.minuteNanos();
  }

  /**
   * The average number of invocations running at once if each took exactly its execution time: the
   * containers a platform needs at the least (with one activation per container), which the
   * replay's settings should keep within what the machine holds.
   */
  public double meanConcurrency(ReplayPlan plan) {
    double busyMs = 0;
    for (Arrival a : arrivals) busyMs += a.durationMs();
    return busyMs / (lengthNanos(plan) / 1e6);
  }
}
