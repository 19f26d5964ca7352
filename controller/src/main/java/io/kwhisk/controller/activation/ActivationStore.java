package io.kwhisk.controller.activation;

import io.kwhisk.common.message.ActivationRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The most recent activation records, bounded: the oldest inserted is evicted first. It answers GET
 * /activations on any controller because every controller follows every controller's completions
 * topic. Thread-safe (one lock; reads copy).
 */
public final class ActivationStore {
  private final int capacity;
  private final LinkedHashMap<String, ActivationRecord> records;

  public ActivationStore(int capacity) {
    this.capacity = capacity;
    this.records =
        new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ActivationRecord> eldest) {
            return size() > ActivationStore.this.capacity;
          }
        };
  }

  /**
   * Keeps {@code record} unless the store holds one of its activation already: an activation run
   * twice (at-least-once delivery) keeps the record of its first completion, the one its caller was
   * answered with.
   */
  public synchronized void put(ActivationRecord record) {
    records.putIfAbsent(record.activationId(), record);
  }

  /** The record of {@code activationId}, if it belongs to {@code namespace}. */
  public synchronized Optional<ActivationRecord> get(String namespace, String activationId) {
    return Optional.ofNullable(records.get(activationId))
        .filter(r -> namespace.equals(r.namespace()));
  }

  /**
   * Records of {@code namespace}, newest first (by start time), optionally only those of action
   * {@code name}, skipping {@code skip} and returning at most {@code limit}.
   */
  public List<ActivationRecord> list(String namespace, String name, int skip, int limit) {
    return list(namespace, name, Long.MIN_VALUE, Long.MAX_VALUE, skip, limit);
  }

  /**
   * As {@link #list(String, String, int, int)}, keeping only records that started between {@code
   * since} and {@code upto} (epoch milliseconds, both inclusive), as OpenWhisk's {@code
   * since}/{@code upto} filters do.
   */
  public List<ActivationRecord> list(
      String namespace, String name, long since, long upto, int skip, int limit) {
    List<ActivationRecord> matching = new ArrayList<>();
    synchronized (this) {
      for (ActivationRecord r : records.values()) {
        if (namespace.equals(r.namespace())
            && (name == null || name.equals(r.name()))
            && r.start() >= since
            && r.start() <= upto) {
          matching.add(r);
        }
      }
    }
    matching.sort(Comparator.comparingLong(ActivationRecord::start).reversed());
    return matching.stream().skip(skip).limit(limit).toList();
  }

  public synchronized int size() {
    return records.size();
  }
}
