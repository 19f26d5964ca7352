package io.kwhisk.controller.entity;

import io.kwhisk.common.entity.Action;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory view of the entities topic: for each key, the value of the record with the highest
 * offset seen (null after a tombstone). Updates may arrive twice and out of order (once from the
 * producer's acknowledgement, once from the topic reader); keeping the highest offset makes both
 * paths agree with the log.
 *
 * <p>Thread-safe: written by the reader thread and by producer callbacks, read by HTTP threads.
 */
public final class EntityView {
  private record Versioned(long offset, Object value) {}

  private final ConcurrentHashMap<String, Versioned> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> namespaceByUuid = new ConcurrentHashMap<>();

  /**
   * Applies the record at {@code offset}; {@code value} is an {@link Action}, a {@link
   * NamespaceEntry}, a package, trigger or rule entry, or null.
   */
  public void apply(String key, long offset, Object value) {
    Versioned[] replaced = new Versioned[1];
    Versioned applied =
        entries.compute(
            key,
            (k, old) -> {
              if (old != null && old.offset >= offset) return old;
              replaced[0] = old;
              return new Versioned(offset, value);
            });
    if (applied.offset != offset) return;
    if (replaced[0] != null && replaced[0].value instanceof NamespaceEntry old) {
      namespaceByUuid.remove(old.uuid(), old.namespace());
    }
    if (value instanceof NamespaceEntry ns) namespaceByUuid.put(ns.uuid(), ns.namespace());
  }

  public Optional<Action> action(String key) {
    Versioned v = entries.get(key);
    return v != null && v.value instanceof Action a ? Optional.of(a) : Optional.empty();
  }

  /** Actions whose key starts with {@code prefix}, by name. */
  public List<Action> actions(String prefix) {
    return entries.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .filter(v -> v.value instanceof Action)
        .map(v -> (Action) v.value)
        .sorted(Comparator.comparing(Action::name))
        .toList();
  }

  /** The value at {@code key} when it is a {@code type}. */
  public <T> Optional<T> get(String key, Class<T> type) {
    Versioned v = entries.get(key);
    return v != null && type.isInstance(v.value)
        ? Optional.of(type.cast(v.value))
        : Optional.empty();
  }

  /** The values of type {@code type} whose keys start with {@code prefix}, in key order. */
  public <T> List<T> list(String prefix, Class<T> type) {
    return entries.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix) && type.isInstance(e.getValue().value))
        .sorted(Map.Entry.comparingByKey())
        .map(e -> type.cast(e.getValue().value))
        .toList();
  }

  /** Every namespace, by name. */
  public List<NamespaceEntry> namespaces() {
    return entries.values().stream()
        .filter(v -> v.value instanceof NamespaceEntry)
        .map(v -> (NamespaceEntry) v.value)
        .sorted(Comparator.comparing(NamespaceEntry::namespace))
        .toList();
  }

  public Optional<NamespaceEntry> namespace(String key) {
    Versioned v = entries.get(key);
    return v != null && v.value instanceof NamespaceEntry n ? Optional.of(n) : Optional.empty();
  }

  public Optional<NamespaceEntry> namespaceByUuid(String uuid) {
    String ns = namespaceByUuid.get(uuid);
    return ns == null
        ? Optional.empty()
        : namespace(EntityKeys.namespace(ns)).filter(n -> n.uuid().equals(uuid));
  }
}
