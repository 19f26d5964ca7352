package io.kwhisk.perf.lifecycle;

import io.kwhisk.perf.load.ActivationAnswer;
import java.util.OptionalLong;

/**
 * The first invoke of one action, which starts its container.
 *
 * @param latencyNanos client-measured, from sending the invoke to its answer: the container's start
 *     time as a user sees it
 * @param initTimeMillis the record's {@code initTime} annotation: how long {@code /init} took
 *     inside it
 */
public record StartSample(
    Echo.Verdict verdict, boolean cold, long latencyNanos, OptionalLong initTimeMillis) {
  public static StartSample of(ActivationAnswer answer, long sent, long latencyNanos) {
    return new StartSample(
        Echo.check(answer, sent),
        answer.outcome().coldStart(),
        latencyNanos,
        answer.initTimeMillis());
  }
}
