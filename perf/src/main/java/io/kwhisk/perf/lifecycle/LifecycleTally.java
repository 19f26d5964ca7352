package io.kwhisk.perf.lifecycle;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts of every verdict and the latencies of the valid answers. Thread-safe: any number of users
 * {@link #record}; {@link #snapshot} may be called concurrently from the reporting thread. Only
 * valid answers are timed, so that fast errors or 429s cannot flatter the percentiles.
 */
final class LifecycleTally {
  static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Recorder recorder = new Recorder(MAX_MICROS, 3);
  private final Histogram accumulated = new Histogram(MAX_MICROS, 3);
  private final LongAdder[] verdicts = new LongAdder[Echo.Verdict.values().length];
  private final LongAdder coldStarts = new LongAdder();

  LifecycleTally() {
    for (int i = 0; i < verdicts.length; i++) verdicts[i] = new LongAdder();
  }

  void record(Echo.Verdict verdict, boolean cold, long latencyNanos) {
    if (cold) coldStarts.increment();
    if (verdict == Echo.Verdict.VALID) {
      recorder.recordValue(
          Math.min(MAX_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos))));
    }
    verdicts[verdict.ordinal()].increment();
  }

  synchronized Snapshot snapshot() {
    accumulated.add(recorder.getIntervalHistogram());
    return new Snapshot(
        accumulated.copy(),
        count(Echo.Verdict.VALID),
        count(Echo.Verdict.INVALID),
        count(Echo.Verdict.ERROR),
        count(Echo.Verdict.THROTTLED),
        count(Echo.Verdict.ACCEPTED),
        coldStarts.sum());
  }

  private long count(Echo.Verdict v) {
    return verdicts[v.ordinal()].sum();
  }

  /** Counts and the valid answers' latencies (microseconds) at one moment. */
  record Snapshot(
      Histogram latencyMicros,
      long valid,
      long invalid,
      long errors,
      long throttled,
      long accepted,
      long coldStarts) {
    long answered() {
      return valid + invalid + errors + throttled + accepted;
    }

    double percentileMillis(double percentile) {
      return latencyMicros.getTotalCount() == 0
          ? 0
          : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }
}
