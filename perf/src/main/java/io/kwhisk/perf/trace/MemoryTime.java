package io.kwhisk.perf.trace;

import java.util.HashMap;
import java.util.Map;

/**
 * Container memory-time, the cost side of a replay: the sum over containers of memory limit x time
 * alive, in GB-seconds, from periodic listings of the platform's containers (running or paused: a
 * paused container still holds its memory). A container seen in one listing is counted alive until
 * the next (left Riemann sum), so the error is at most one sampling interval per container start
 * and stop. Charged to the container's owner (the function whose action it runs; prewarmed stock
 * has none) and in total. Not thread-safe: one sampler feeds it.
 */
public final class MemoryTime {
  /** A container as one listing saw it: whose it is ({@code ""} for none) and its memory limit. */
  public record Container(String owner, long memoryMb) {}

  private final Map<String, Double> mbNanosByOwner = new HashMap<>();
  private Map<String, Container> previous = Map.of();
  private long previousNanos;
  private double totalMbNanos;
  private boolean started;

  /** A listing taken at {@code nanos} (any origin, increasing): container id -> container. */
  public void observe(long nanos, Map<String, Container> alive) {
    if (started) {
      if (nanos < previousNanos)
        throw new IllegalArgumentException("listings should come in time order");
      long dt = nanos - previousNanos;
      for (Container c : previous.values()) {
        double mbNanos = (double) c.memoryMb() * dt;
        totalMbNanos += mbNanos;
        mbNanosByOwner.merge(c.owner(), mbNanos, Double::sum);
      }
    }
    started = true;
    previous = Map.copyOf(alive);
    previousNanos = nanos;
  }

  /** GB-seconds of every container listed, up to the latest listing. */
  public double totalGbSeconds() {
    return totalMbNanos / 1024 / 1e9;
  }

  /** GB-seconds of the containers of {@code owner}. */
  public double gbSeconds(String owner) {
    return mbNanosByOwner.getOrDefault(owner, 0.0) / 1024 / 1e9;
  }

  /** The containers of the latest listing. */
  public int alive() {
    return previous.size();
  }
}
