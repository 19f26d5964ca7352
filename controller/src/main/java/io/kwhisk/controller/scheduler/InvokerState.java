package io.kwhisk.controller.scheduler;

import io.kwhisk.common.message.InvokerHeartbeat;

/** The last heartbeat of one invoker and when this controller received it (its clock). */
public record InvokerState(int id, InvokerHeartbeat heartbeat, long lastSeen) {
  public boolean healthyAt(long now, long timeoutMillis) {
    return now - lastSeen <= timeoutMillis;
  }

  public int containers(String actionPath) {
    return heartbeat.containersByAction().getOrDefault(actionPath, 0);
  }

  /** Of {@link #containers}, those not ready yet (0 from invokers that do not report it). */
  public int starting(String actionPath) {
    return heartbeat.startingByAction().getOrDefault(actionPath, 0);
  }
}
