package io.kwhisk.perf.burst;

import io.kwhisk.perf.load.ActivationAnswer;
import io.kwhisk.perf.load.Outcome;
import java.util.OptionalLong;

/**
 * One invoke of a burst.
 *
 * @param latencyNanos from the burst's start (the instant all its invokes were released) to this
 *     answer, so a client thread that woke late is charged to the platform's latency rather than
 *     hidden
 * @param startMillis the activation record's {@code start} (epoch ms, invoker clock), if there is a
 *     record
 */
public record BurstSample(Outcome outcome, long latencyNanos, OptionalLong startMillis) {
  public static BurstSample of(ActivationAnswer answer, long latencyNanos) {
    return new BurstSample(answer.outcome(), latencyNanos, answer.startMillis());
  }

  /** A cold start whose record says when it started: the samples the creation rate counts. */
  boolean timedColdStart() {
    return outcome.coldStart() && startMillis.isPresent();
  }
}
