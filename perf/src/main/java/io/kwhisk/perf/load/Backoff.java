package io.kwhisk.perf.load;

import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * How long a well-behaved client waits after a 429: the answer's {@code Retry-After} seconds, kept
 * between {@code floorMillis} and {@code maxMillis}; {@code fallbackMillis} when the header is
 * missing or not a number.
 */
record Backoff(long fallbackMillis, long floorMillis, long maxMillis) {
  Backoff {
    if (floorMillis < 0 || maxMillis < floorMillis || fallbackMillis < 0) {
      throw new IllegalArgumentException(
          "backoff bounds should satisfy 0 <= floor <= max and fallback >= 0");
    }
  }

  long after(HttpResponse<?> throttled) {
    return forRetryAfter(throttled.headers().firstValue("Retry-After"));
  }

  /** The wait for a {@code Retry-After} header value (seconds), if any. */
  long forRetryAfter(Optional<String> header) {
    if (header.isEmpty()) return fallbackMillis;
    try {
      return Math.min(
          maxMillis, Math.max(floorMillis, 1_000 * Long.parseLong(header.get().trim())));
    } catch (NumberFormatException e) {
      return fallbackMillis;
    }
  }
}
