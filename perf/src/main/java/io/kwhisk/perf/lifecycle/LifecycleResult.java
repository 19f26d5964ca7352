package io.kwhisk.perf.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One lifecycle run: a row of the lifecycle CSV. Times in milliseconds. The start distribution is
 * over the starts (first invokes) answered {@link Echo.Verdict#VALID}; the request distribution and
 * {@code tps} over the requests after them answered valid. The counts cover every answer, starts
 * and requests: {@code valid + validationFailures + errors + throttled + accepted = actions x
 * (requests + 1)}.
 *
 * @param requests blocking invokes per action after its start
 * @param memoryMb the actions' memory limit; 0 for the platform's default
 * @param initP50 the median of the starts' {@code initTime} annotations (time spent in {@code
 *     /init})
 * @param durationSeconds the request phase: from the moment every container was up to the last
 *     answer
 * @param tps valid request answers per second of the request phase
 * @param coldStarts starts whose record carries {@code initTime} (should be all of them)
 * @param requestColdStarts requests whose record carries {@code initTime}: a container was started
 *     again during the run (evicted, lost, or never reused); 0 when each action kept its container
 */
public record LifecycleResult(
    String design,
    int actions,
    int requests,
    int memoryMb,
    double startP50,
    double startP90,
    double startP99,
    double startMax,
    double initP50,
    double initMax,
    double durationSeconds,
    double tps,
    double p50,
    double p90,
    double p99,
    double p999,
    long valid,
    long validationFailures,
    long errors,
    long throttled,
    long accepted,
    long coldStarts,
    long requestColdStarts,
    Instant at) {

  static LifecycleResult of(
      LifecyclePlan plan,
      List<StartSample> starts,
      LifecycleTally.Snapshot requests,
      double requestSeconds,
      Instant at) {
    Histogram start = new Histogram(LifecycleTally.MAX_MICROS, 3);
    Histogram init = new Histogram(LifecycleTally.MAX_MICROS, 3);
    long[] verdicts = new long[Echo.Verdict.values().length];
    long cold = 0;
    for (StartSample s : starts) {
      verdicts[s.verdict().ordinal()]++;
      if (s.cold()) cold++;
      if (s.verdict() != Echo.Verdict.VALID) continue;
      start.recordValue(clamp(TimeUnit.NANOSECONDS.toMicros(s.latencyNanos())));
      s.initTimeMillis()
          .ifPresent(ms -> init.recordValue(clamp(TimeUnit.MILLISECONDS.toMicros(ms))));
    }
    return new LifecycleResult(
        plan.design(),
        plan.actions(),
        plan.requests(),
        plan.memoryMb(),
        percentile(start, 50),
        percentile(start, 90),
        percentile(start, 99),
        max(start),
        percentile(init, 50),
        max(init),
        requestSeconds,
        requestSeconds > 0 ? requests.valid() / requestSeconds : 0,
        requests.percentileMillis(50),
        requests.percentileMillis(90),
        requests.percentileMillis(99),
        requests.percentileMillis(99.9),
        verdicts[Echo.Verdict.VALID.ordinal()] + requests.valid(),
        verdicts[Echo.Verdict.INVALID.ordinal()] + requests.invalid(),
        verdicts[Echo.Verdict.ERROR.ordinal()] + requests.errors(),
        verdicts[Echo.Verdict.THROTTLED.ordinal()] + requests.throttled(),
        verdicts[Echo.Verdict.ACCEPTED.ordinal()] + requests.accepted(),
        cold,
        requests.coldStarts(),
        at);
  }

  private static long clamp(long micros) {
    return Math.min(LifecycleTally.MAX_MICROS, Math.max(0, micros));
  }

  private static double percentile(Histogram h, double p) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1000.0;
  }

  private static double max(Histogram h) {
    return h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0;
  }
}
