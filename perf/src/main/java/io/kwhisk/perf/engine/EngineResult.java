package io.kwhisk.perf.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One engine measurement: {@code containers} containers of {@code image} created, started and ready
 * (port open) by {@code parallelism} threads.
 *
 * @param wallSeconds from the first request to the last container ready
 * @param perSecond containers ready per second over that window: the engine's raw creation rate
 * @param eachP50Ms the median time one container took from its create request to ready (queueing
 *     behind the others included)
 */
public record EngineResult(
    String image,
    int memoryMb,
    int containers,
    int parallelism,
    double wallSeconds,
    double perSecond,
    double eachP50Ms,
    double eachMaxMs) {
  static EngineResult of(
      String image,
      int memoryMb,
      int containers,
      int parallelism,
      long wallNanos,
      List<Long> eachNanos) {
    List<Long> sorted = new ArrayList<>(eachNanos);
    Collections.sort(sorted);
    double p50 = sorted.isEmpty() ? Double.NaN : sorted.get((sorted.size() - 1) / 2) / 1e6;
    double max = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1) / 1e6;
    return new EngineResult(
        image,
        memoryMb,
        containers,
        parallelism,
        wallNanos / 1e9,
        wallNanos <= 0 ? Double.NaN : containers / (wallNanos / 1e9),
        p50,
        max);
  }

  public String line() {
    return String.format(
        Locale.ROOT,
        "engine %s %d MB: %d containers, %d in parallel: %.2f s, %.2f created+started/s"
            + " (each: p50 %.0f ms, max %.0f ms)",
        image,
        memoryMb,
        containers,
        parallelism,
        wallSeconds,
        perSecond,
        eachP50Ms,
        eachMaxMs);
  }
}
