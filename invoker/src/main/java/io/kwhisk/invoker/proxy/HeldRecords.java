package io.kwhisk.invoker.proxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records an {@link ActivationFeed} acquired and has not acknowledged yet, each with when its
 * lock was (re)acquired, so the feed knows what to acknowledge, what to renew and when. Times are
 * {@link System#nanoTime} values passed in, so tests control them. Used by the feed's thread only.
 */
final class HeldRecords<V> {
  private record Held<V>(ConsumerRecord<String, V> record, long since) {}

  private final Map<String, Held<V>> held = new HashMap<>();

  boolean isEmpty() {
    return held.isEmpty();
  }

  int size() {
    return held.size();
  }

  /**
   * Holds {@code r} from {@code nowNanos}; true if it is new, false if it was held already (a
   * renewal brought it back: its lock counts from now).
   */
  boolean hold(ConsumerRecord<String, V> r, long nowNanos) {
    return held.put(key(r.partition(), r.offset()), new Held<>(r, nowNanos)) == null;
  }

  /** Whether the record at {@code partition} and {@code offset} is held. */
  boolean holds(int partition, long offset) {
    return held.containsKey(key(partition, offset));
  }

  /**
   * The held record at {@code partition} and {@code offset}, no longer held (to acknowledge); null
   * if it is not held (its delivery ended here: a late acknowledgement is dropped).
   */
  ConsumerRecord<String, V> take(int partition, long offset) {
    Held<V> h = held.remove(key(partition, offset));
    return h == null ? null : h.record();
  }

  /** Whether any record has been held for {@code afterNanos} or longer at {@code nowNanos}. */
  boolean renewalDue(long nowNanos, long afterNanos) {
    for (Held<V> h : held.values()) {
      if (nowNanos - h.since() >= afterNanos) return true;
    }
    return false;
  }

  /** Every held record, to renew. */
  List<ConsumerRecord<String, V>> records() {
    List<ConsumerRecord<String, V>> all = new ArrayList<>(held.size());
    for (Held<V> h : held.values()) all.add(h.record());
    return all;
  }

  /**
   * Stops holding the records not among {@code renewed} (the broker did not renew their locks, so
   * their delivery here ended) and names them ({@code partition:offset}).
   */
  List<String> dropAllBut(Iterable<ConsumerRecord<String, V>> renewed) {
    Set<String> kept = new HashSet<>();
    for (ConsumerRecord<String, V> r : renewed) kept.add(key(r.partition(), r.offset()));
    List<String> dropped = new ArrayList<>();
    held.keySet()
        .removeIf(
            k -> {
              if (kept.contains(k)) return false;
              dropped.add(k);
              return true;
            });
    return dropped;
  }

  private static String key(int partition, long offset) {
    return partition + ":" + offset;
  }
}
