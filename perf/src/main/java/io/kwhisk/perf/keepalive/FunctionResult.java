package io.kwhisk.perf.keepalive;

/**
 * One function under one policy: its invocations, those that found no warm container, its
 * memory-time.
 */
public record FunctionResult(String function, long invocations, long coldStarts, double gbSeconds) {
  /** Cold starts over invocations (0 for a function not invoked). */
  public double coldFraction() {
    return invocations == 0 ? 0 : (double) coldStarts / invocations;
  }
}
