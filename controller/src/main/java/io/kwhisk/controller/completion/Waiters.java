package io.kwhisk.controller.completion;

import io.kwhisk.common.message.ActivationRecord;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blocking invocations waiting for their activation's completion, by activation id, and the ids
 * recently completed so that a duplicate completion (delivery to containers is at-least-once) is
 * recognised and dropped.
 *
 * <p>A waiter must be registered before its activation is produced, or a fast completion could
 * arrive first and be missed. Thread-safe.
 */
public final class Waiters {
  /**
   * Completed ids a controller remembers to drop duplicates: at 1,000 completions a second, the
   * last 100 s. A later duplicate still finds its id in the activation store (first record wins
   * there).
   */
  public static final int REMEMBERED = 100_000;

  private final ConcurrentHashMap<String, CompletableFuture<ActivationRecord>> waiting =
      new ConcurrentHashMap<>();
  private final Set<String> completed;

  /**
   * @param remembered how many completed ids are kept to detect duplicates
   */
  public Waiters(int remembered) {
    this.completed =
        Collections.synchronizedSet(
            Collections.newSetFromMap(
                new LinkedHashMap<>(1024, 0.75f, false) {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > remembered;
                  }
                }));
  }

  public CompletableFuture<ActivationRecord> register(String activationId) {
    return waiting.computeIfAbsent(activationId, id -> new CompletableFuture<>());
  }

  /** Forgets a waiter whose caller gave up (timeout, failed produce). */
  public void cancel(String activationId) {
    waiting.remove(activationId);
  }

  /**
   * Records the completion of {@code record}'s activation and wakes its waiter if any. Returns
   * false, doing nothing, when this activation was already completed: the completion is a
   * duplicate.
   */
  public boolean complete(ActivationRecord record) {
    if (!completed.add(record.activationId())) return false;
    CompletableFuture<ActivationRecord> waiter = waiting.remove(record.activationId());
    if (waiter != null) waiter.complete(record);
    return true;
  }

  public int waiting() {
    return waiting.size();
  }
}
