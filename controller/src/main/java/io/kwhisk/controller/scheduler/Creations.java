package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The container creations this controller sent and no heartbeat accounts for yet ({@link
 * CreationInFlight}): each counts against its invoker's memory in the next decisions until a
 * heartbeat shows it done or refused, it times out, or its invoker goes offline ({@link
 * SchedulingPolicy#afterHeartbeat}, {@link SchedulingPolicy#expire}). Used on the scheduler's actor
 * thread only.
 */
final class Creations {
  private final int controllerId;
  private final InvokerCommands commands;
  private final long timeoutMs;
  private List<CreationInFlight> inFlight = List.of();

  Creations(int controllerId, InvokerCommands commands, long timeoutMs) {
    this.controllerId = controllerId;
    this.commands = commands;
    this.timeoutMs = timeoutMs;
  }

  /** The creations in flight, oldest first. */
  List<CreationInFlight> inFlight() {
    return inFlight;
  }

  /**
   * Sends the creation {@code p} at {@code now}, its containers to stay idle for {@code
   * keepAliveMs} (0: the invoker's own keep-alive); it is in flight from now on.
   */
  void send(PlannedCreation p, long keepAliveMs, long now) {
    String creationId = UUID.randomUUID().toString();
    Action action = p.action();
    commands.send(
        p.invokerId(), new ContainerCreation(creationId, action, controllerId, now, keepAliveMs));
    List<CreationInFlight> next = new ArrayList<>(inFlight);
    next.add(
        new CreationInFlight(
            creationId,
            p.invokerId(),
            action.fqn().path(),
            action.limits().memory(),
            p.baseline(),
            now));
    inFlight = next;
  }

  void heard(InvokerHeartbeat hb) {
    inFlight = SchedulingPolicy.afterHeartbeat(inFlight, hb);
  }

  /** Forgets those older than the timeout at {@code now} or not on one of {@code healthy}. */
  void expire(long now, List<Integer> healthy) {
    inFlight = SchedulingPolicy.expire(inFlight, now, timeoutMs, healthy);
  }

  /** The action was deleted: its creations in flight count no more. */
  void forget(String actionPath) {
    inFlight = inFlight.stream().filter(c -> !c.actionPath().equals(actionPath)).toList();
  }
}
