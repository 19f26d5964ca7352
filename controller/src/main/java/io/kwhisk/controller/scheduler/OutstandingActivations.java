package io.kwhisk.controller.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The activations the scheduler knows are submitted and not yet completed, by id, with a count per
 * action: the demand it places containers for. Each expires a grace period past its action's
 * timeout, so that a lost completion cannot pin containers. Owned by the scheduling actor; not
 * thread-safe.
 */
final class OutstandingActivations {
  /** An activation that left: its action's path, and whether it was the action's last one. */
  record Left(String path, boolean last) {}

  private record Outstanding(String path, long submittedAt, long expiresAt) {}

  private final Map<String, Outstanding> byId = new HashMap<>();
  private final Map<String, Integer> byPath = new HashMap<>();

  /**
   * Counts activation {@code id} of {@code path} until {@code expiresAt}; false, changing nothing,
   * when it is counted already (a duplicate submission).
   */
  boolean add(String id, String path, long now, long expiresAt) {
    if (byId.putIfAbsent(id, new Outstanding(path, now, expiresAt)) != null) return false;
    byPath.merge(path, 1, Integer::sum);
    return true;
  }

  /** True while {@code path} has an outstanding activation. */
  boolean has(String path) {
    return byPath.containsKey(path);
  }

  /** The outstanding activations of {@code path}. */
  int count(String path) {
    return byPath.getOrDefault(path, 0);
  }

  /** Stops counting activation {@code id}; empty when it was not counted (or expired). */
  Optional<Left> complete(String id) {
    Outstanding done = byId.remove(id);
    return done == null ? Optional.empty() : Optional.of(decrement(done.path()));
  }

  /** Stops counting the activations that expired before {@code now}; each one that left. */
  List<Left> expire(long now) {
    List<Left> left = new ArrayList<>();
    Iterator<Outstanding> it = byId.values().iterator();
    while (it.hasNext()) {
      Outstanding o = it.next();
      if (o.expiresAt() < now) {
        it.remove();
        left.add(decrement(o.path()));
      }
    }
    return left;
  }

  /** Forgets every activation of {@code path} (its action was deleted). */
  void forget(String path) {
    byId.values().removeIf(o -> o.path().equals(path));
    byPath.remove(path);
  }

  /**
   * Visits each action with outstanding activations: its count and when its oldest was submitted.
   */
  void forEach(PathVisitor visitor) {
    Map<String, Long> oldest = new HashMap<>();
    byId.values().forEach(o -> oldest.merge(o.path(), o.submittedAt(), Math::min));
    byPath.forEach((path, n) -> visitor.visit(path, n, oldest.get(path)));
  }

  /** See {@link #forEach}. */
  interface PathVisitor {
    void visit(String path, int count, long oldestSubmittedAt);
  }

  private Left decrement(String path) {
    Integer n = byPath.computeIfPresent(path, (p, c) -> c > 1 ? c - 1 : null);
    return new Left(path, n == null);
  }
}
