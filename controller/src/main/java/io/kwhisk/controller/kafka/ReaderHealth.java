package io.kwhisk.controller.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;

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

  /** Where the readers' consumers publish their client meters; null: nowhere. */
  private volatile MeterRegistry clientMeters;

  /**
   * The consumers of the readers watched by this publish their own meters to {@code registry}
   * (Micrometer's Kafka binder: {@code kafka.consumer.*}, tagged with the consumer's {@code
   * client.id}, a fixed name per reader) while they live. Call at start-up, before the readers
   * start.
   */
  public ReaderHealth withClientMeters(MeterRegistry registry) {
    this.clientMeters = Objects.requireNonNull(registry, "registry should not be null");
    return this;
  }

  /**
   * Binds {@code consumer}'s meters if {@link #withClientMeters} was called; the caller closes them
   * with the consumer. Null otherwise.
   */
  KafkaClientMetrics bindClientMeters(Consumer<?, ?> consumer) {
    MeterRegistry registry = clientMeters;
    if (registry == null) return null;
    KafkaClientMetrics meters = new KafkaClientMetrics(consumer);
    meters.bindTo(registry);
    return meters;
  }

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
