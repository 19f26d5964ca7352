package io.kwhisk.controller.scheduler;

import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invokers the scheduler heard of, each with its last heartbeat and when it was seen (this
 * controller's clock); an invoker is healthy while its last heartbeat is younger than the timeout.
 * Used on the scheduler's actor thread only.
 */
final class Invokers {
  private final long timeoutMs;
  private final Map<Integer, InvokerState> byId = new HashMap<>();

  Invokers(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  /** What a heartbeat told. */
  enum Heard {
    /** Older than the invoker's heartbeat already recorded: ignored. */
    STALE,
    RECORDED,
    /** Recorded, and the invoker is healthy now and was not before it. */
    NOW_HEALTHY
  }

  /**
   * Records {@code hb}, received at {@code now}; one {@code replayed} at start-up counts as seen at
   * its own timestamp (never later than now), so a stale one does not make its invoker healthy.
   */
  Heard heard(InvokerHeartbeat hb, boolean replayed, long now) {
    long seen = replayed ? Math.min(now, hb.timestamp()) : now;
    InvokerState previous = byId.get(hb.invokerId());
    if (previous != null && previous.lastSeen() > seen) return Heard.STALE;
    byId.put(hb.invokerId(), new InvokerState(hb.invokerId(), hb, seen));
    boolean wasHealthy = previous != null && previous.healthyAt(now, timeoutMs);
    return !wasHealthy && now - seen <= timeoutMs ? Heard.NOW_HEALTHY : Heard.RECORDED;
  }

  /** The invokers healthy at {@code now}. */
  List<InvokerState> healthy(long now) {
    List<InvokerState> healthy = new ArrayList<>();
    for (InvokerState i : byId.values()) {
      if (i.healthyAt(now, timeoutMs)) healthy.add(i);
    }
    return healthy;
  }

  /** The invokers healthy at {@code now}, by id. */
  Map<Integer, InvokerState> healthyById(long now) {
    Map<Integer, InvokerState> healthy = new HashMap<>();
    for (InvokerState i : healthy(now)) healthy.put(i.id(), i);
    return healthy;
  }
}
