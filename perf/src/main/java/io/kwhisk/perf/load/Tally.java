package io.kwhisk.perf.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts and latencies of one phase (warm-up or measured window). Thread-safe: any number of
 * threads {@link #record}; {@link #snapshot} may be called concurrently from a reporting thread.
 * Latencies are recorded in microseconds, for {@link Outcome.Kind#OK} only, so that fast 429s or
 * errors do not flatter the percentiles.
 */
public final class Tally {
  /** Longer latencies are clamped to this (far beyond any request timeout). */
  static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Recorder recorder = new Recorder(MAX_MICROS, 3);
  private final Histogram accumulated = new Histogram(MAX_MICROS, 3);
  private final LongAdder ok = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder coldStarts = new LongAdder();

  public void record(Outcome outcome, long latencyNanos) {
    if (outcome.coldStart()) coldStarts.increment();
    switch (outcome.kind()) {
      case OK:
        recorder.recordValue(
            Math.min(MAX_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos))));
        ok.increment();
        break;
      case ACCEPTED:
        accepted.increment();
        break;
      case THROTTLED:
        throttled.increment();
        break;
      default:
        errors.increment();
    }
  }

  /** Everything recorded so far; the histogram is a copy the caller owns. */
  public synchronized Snapshot snapshot() {
    accumulated.add(recorder.getIntervalHistogram());
    return new Snapshot(
        accumulated.copy(),
        ok.sum(),
        accepted.sum(),
        throttled.sum(),
        errors.sum(),
        coldStarts.sum());
  }

  /** Counts and the latency histogram (microseconds) at one moment. */
  public record Snapshot(
      Histogram latencyMicros,
      long ok,
      long accepted,
      long throttled,
      long errors,
      long coldStarts) {
    public double percentileMillis(double percentile) {
      return latencyMicros.getTotalCount() == 0
          ? 0
          : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }
}
