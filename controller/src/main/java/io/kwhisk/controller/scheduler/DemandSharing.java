package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's side of {@link SharedDemand}: which actions this controller owns, the live
 * reports of the other controllers, and what it last reported to each owner, sent through {@link
 * DemandReports}. What to report and what to schedule are SharedDemand's pure functions; this keeps
 * their state. Used on the scheduler's actor thread only.
 */
final class DemandSharing {
  private final int controllerId;
  private final DemandReports reports;
  private Ownership ownership;

  /** Reports from other controllers, by controller id and path. */
  private Map<String, SharedDemand.Received> remote = new HashMap<>();

  /** What this controller last reported for the actions it does not own, by path. */
  private Map<String, SharedDemand.Sent> sent = new HashMap<>();

  DemandSharing(int controllerId, Ownership initial, DemandReports reports) {
    this.controllerId = controllerId;
    this.ownership = initial;
    this.reports = reports;
  }

  Ownership ownership() {
    return ownership;
  }

  boolean owns(String actionPath) {
    return ownership.owns(actionPath);
  }

  /** The scheduling group assigned this controller other partitions at {@code now}. */
  void ownershipChanged(Ownership next, long now) {
    ownership = next;
    sent = SharedDemand.afterSending(sent, List.of(), ownership, now);
  }

  /**
   * An activation of {@code action}, which has no container, was submitted here: if another
   * controller owns it and was not told yet, it learns of the {@code outstanding} activations at
   * once, not at the next tick: its first container waits for nothing but this report.
   */
  void arrivedWithoutContainer(Action action, int outstanding, long now) {
    String path = action.fqn().path();
    if (ownership.owns(path) || sent.containsKey(path)) return;
    DemandReport nudge = new DemandReport(controllerId, action, outstanding, now);
    reports.send(nudge);
    sent = SharedDemand.afterSending(sent, List.of(nudge), ownership, now);
  }

  /**
   * Keeps another controller's {@code report}, received at {@code now} (a 0 drops its last one);
   * true if it is demand for an action this controller owns. Its own reports are ignored.
   */
  boolean received(DemandReport report, long now) {
    if (report.controllerId() == controllerId) return false;
    String path = report.action().fqn().path();
    String key = report.controllerId() + "|" + path;
    if (report.outstanding() <= 0) {
      remote.remove(key);
      return false;
    }
    remote.put(key, new SharedDemand.Received(report, now));
    return ownership.owns(path);
  }

  /**
   * The demands this controller schedules at {@code now}, from its {@code local} ones and the
   * others' reports; the reports due to other owners are sent first ({@link SharedDemand#due}).
   */
  List<Demand> toSchedule(List<Demand> local, long now) {
    if (ownership.shared()) {
      List<DemandReport> due = SharedDemand.due(controllerId, local, sent, ownership, now);
      due.forEach(reports::send);
      if (!due.isEmpty()) sent = SharedDemand.afterSending(sent, due, ownership, now);
    }
    return SharedDemand.owned(local, remote.values(), ownership, now);
  }

  /** Forgets the reports no longer live at {@code now}. */
  void expire(long now) {
    remote = SharedDemand.live(remote, now);
  }

  /** The action was deleted: no report of it counts any more. */
  void forget(String actionPath) {
    remote.values().removeIf(r -> r.report().action().fqn().path().equals(actionPath));
    sent.remove(actionPath);
  }
}
