package io.kwhisk.controller.activation;

import io.kwhisk.common.message.ActivationRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most recent activation records on the heap, bounded: the oldest inserted is evicted first;
 * lost on restart (tests and embedding; a controller uses {@link RocksActivationStore} by default).
 * It remembers ten times as many ids as it keeps records, so a duplicate is dropped for that long.
 * Thread-safe (one lock; reads copy).
 */
public final class MemoryActivationStore implements ActivationStore {
  private final int capacity;
  private final LinkedHashMap<String, ActivationRecord> records;
  private final Set<String> seen;
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  public MemoryActivationStore(int capacity) {
    this.capacity = capacity;
    this.records =
        new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ActivationRecord> eldest) {
            return size() > MemoryActivationStore.this.capacity;
          }
        };
    long remembered = Math.min(Integer.MAX_VALUE, 10L * capacity);
    this.seen =
        Collections.newSetFromMap(
            new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
              }
            });
  }

  /**
   * Keeps {@code record} unless the store holds one of its activation already: an activation run
   * twice (at-least-once delivery) keeps the record of its first completion, the one its caller was
   * answered with.
   */
  @Override
  public synchronized boolean put(ActivationRecord record, byte[] message, Position position) {
    if (!seen.add(record.activationId())) {
      dropped.incrementAndGet();
      return false;
    }
    records.put(record.activationId(), record);
    stored.incrementAndGet();
    return true;
  }

  /** As {@link #put(ActivationRecord, byte[], Position)}, from nowhere in particular (tests). */
  public boolean put(ActivationRecord record) {
    return put(record, null, null);
  }

  @Override
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

  @Override
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

  @Override
  public long count(String namespace, String name, long since, long upto) {
    return list(namespace, name, since, upto, 0, Integer.MAX_VALUE).size();
  }

  /** Nothing survives a restart: followers start {@link #history()} records before the end. */
  @Override
  public OptionalLong resumeAt(String topic, int partition) {
    return OptionalLong.empty();
  }

  @Override
  public long history() {
    return capacity;
  }

  @Override
  public long stored() {
    return stored.get();
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  public synchronized int size() {
    return records.size();
  }

  @Override
  public void close() {}
}
