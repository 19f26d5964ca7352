package io.kwhisk.controller.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether each of the controller's Kafka readers (topic readers, the dead-letter follower) is
 * reading. A reader is down from the moment it stops on an error until its restart reads again; the
 * controller's {@code /ready} answers 503 while any is down, and {@code
 * kwhisk.controller.readers.down} counts them. Reader names are a fixed set per controller (never
 * action names or ids). Thread-safe.
 */
public final class ReaderHealth {
  /**
   * The first restart waits this long; each failure in a row doubles it, up to {@link
   * #MAX_BACKOFF}.
   */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Map<String, Boolean> up = new ConcurrentHashMap<>();
  private final Map<String, Long> restarts = new ConcurrentHashMap<>();

  /** {@code reader} reads. */
  public void up(String reader) {
    up.put(reader, true);
  }

  /** {@code reader} stopped on an error and will be restarted. */
  public void down(String reader) {
    up.put(reader, false);
    restarts.merge(reader, 1L, Long::sum);
  }

  /** {@code reader} was closed on purpose: it no longer counts. */
  public void closed(String reader) {
    up.remove(reader);
  }

  public boolean allUp() {
    return !up.containsValue(false);
  }

  public int down() {
    return (int) up.values().stream().filter(v -> !v).count();
  }

  /** Every reader, by name, and whether it reads now. */
  public Map<String, Boolean> readers() {
    return new TreeMap<>(up);
  }

  /** How often {@code reader} was restarted after an error. */
  public long restarts(String reader) {
    return restarts.getOrDefault(reader, 0L);
  }

  /**
   * How long to wait before the restart that follows {@code failures} failures in a row (1 or
   * more).
   */
  public static Duration backoff(int failures) {
    int shift = Math.min(Math.max(failures, 1) - 1, 20);
    Duration d = FIRST_BACKOFF.multipliedBy(1L << shift);
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }
}
