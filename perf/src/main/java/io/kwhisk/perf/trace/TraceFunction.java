package io.kwhisk.perf.trace;

import java.util.Objects;

/**
 * One function of an Azure Functions 2019 trace: its hash, its application's hash, its invocations
 * in each minute of the day, and the percentiles of its execution time (ms) and of its
 * application's allocated memory (MB).
 *
 * @param perMinute invocations in minute 1, 2, ... (index 0 is minute 1); not copied, never
 *     modified
 */
public record TraceFunction(
    String hash, String app, int[] perMinute, Percentiles durationMs, Percentiles memoryMb) {
  public TraceFunction {
    Objects.requireNonNull(hash, "hash should not be null");
    Objects.requireNonNull(app, "app should not be null");
    Objects.requireNonNull(perMinute, "perMinute should not be null");
    Objects.requireNonNull(durationMs, "durationMs should not be null");
    Objects.requireNonNull(memoryMb, "memoryMb should not be null");
  }

  /** Invocations in the first {@code minutes} minutes of the trace. */
  public long invocations(int minutes) {
    long n = 0;
    for (int m = 0; m < Math.min(minutes, perMinute.length); m++) n += perMinute[m];
    return n;
  }

  /**
   * A short, stable name: the first 12 characters of the hash (unique in the trace slices; the
   * reader checks).
   */
  public String shortName() {
    return hash.length() <= 12 ? hash : hash.substring(0, 12);
  }
}
