package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's share of the work with several controllers, as pure functions (tested without
 * Kafka or actors). Each controller counts the activations it produced; for an action it does not
 * own ({@link Ownership}) it reports its count to the owner ({@link #due}) instead of scheduling,
 * and the owner schedules from the sum of its own count and the live reports of the others ({@link
 * #owned}). So one controller decides for each action's whole backlog: the first container is
 * created once, and scale-ups count every controller's activations.
 *
 * <p>Reports: on the first activation of an action without a container (at once, from the actor, so
 * the owner creates the first container without waiting), otherwise when the count changes (at most
 * every {@link #REPORT_GAP_MS}: a steady action costs one record a second per controller, a
 * changing one at most five), every {@link #REFRESH_MS} while it is above 0, and a 0 once it falls
 * to 0. A report not refreshed for {@link #TTL_MS} is forgotten (its controller stopped), so its
 * activations stop pinning containers.
 */
final class SharedDemand {
  static final long REPORT_GAP_MS = 200;
  static final long REFRESH_MS = 1_000;
  static final long TTL_MS = 3_500;

  /** A report the owner received at {@code at} (its clock). */
  record Received(DemandReport report, long at) {}

  /** What this controller last reported for an action, and when. */
  record Sent(Action action, int outstanding, long at) {}

  private SharedDemand() {}

  /**
   * The demands this controller schedules: for each action it owns, its own outstanding activations
   * plus those of every live report from another controller, the oldest submission of all and the
   * typical run this controller saw (reports carry none); actions it does not own are left out.
   */
  static List<Demand> owned(
      Collection<Demand> local, Collection<Received> remote, Ownership ownership, long now) {
    if (!ownership.shared()) return List.copyOf(local);
    Map<String, Demand> byPath = new LinkedHashMap<>();
    for (Demand d : local) {
      String path = d.action().fqn().path();
      if (ownership.owns(path)) byPath.put(path, d);
    }
    for (Received r : remote) {
      DemandReport report = r.report();
      String path = report.action().fqn().path();
      if (now - r.at() > TTL_MS || report.outstanding() <= 0 || !ownership.owns(path)) continue;
      byPath.merge(
          path,
          new Demand(report.action(), report.outstanding(), report.oldestSubmittedAt()),
          (mine, theirs) ->
              new Demand(
                  mine.action(),
                  mine.outstanding() + theirs.outstanding(),
                  Math.min(mine.oldestSubmittedAt(), theirs.oldestSubmittedAt()),
                  Math.max(mine.typicalRunMs(), theirs.typicalRunMs())));
    }
    return List.copyOf(byPath.values());
  }

  /** The received reports still live at {@code now}. */
  static Map<String, Received> live(Map<String, Received> remote, long now) {
    Map<String, Received> left = new HashMap<>();
    remote.forEach(
        (key, r) -> {
          if (now - r.at() <= TTL_MS && r.report().outstanding() > 0) left.put(key, r);
        });
    return left;
  }

  /**
   * Whether {@code outstanding} should be reported now, given what was last {@code sent} (null:
   * never).
   */
  static boolean reportNow(int outstanding, Sent sent, long now) {
    if (sent == null) return outstanding > 0;
    if (outstanding != sent.outstanding()) return now - sent.at() >= REPORT_GAP_MS;
    return outstanding > 0 && now - sent.at() >= REFRESH_MS;
  }

  /**
   * The reports due at {@code now} for the actions this controller does not own, as {@link
   * #reportNow} says: a count for each action with activations outstanding here, a 0 for each
   * reported before that has none any more.
   */
  static List<DemandReport> due(
      int controllerId,
      Collection<Demand> local,
      Map<String, Sent> sent,
      Ownership ownership,
      long now) {
    if (!ownership.shared()) return List.of();
    List<DemandReport> due = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (Demand d : local) {
      String path = d.action().fqn().path();
      present.add(path);
      if (!ownership.owns(path) && reportNow(d.outstanding(), sent.get(path), now)) {
        due.add(new DemandReport(controllerId, d.action(), d.outstanding(), d.oldestSubmittedAt()));
      }
    }
    sent.forEach(
        (path, s) -> {
          if (!present.contains(path) && !ownership.owns(path) && reportNow(0, s, now)) {
            due.add(new DemandReport(controllerId, s.action(), 0, now));
          }
        });
    return due;
  }

  /**
   * {@code sent} after sending {@code reports} at {@code now}: zeros and owned actions are
   * forgotten.
   */
  static Map<String, Sent> afterSending(
      Map<String, Sent> sent, Collection<DemandReport> reports, Ownership ownership, long now) {
    Map<String, Sent> next = new HashMap<>(sent);
    for (DemandReport r : reports) {
      String path = r.action().fqn().path();
      if (r.outstanding() > 0) next.put(path, new Sent(r.action(), r.outstanding(), now));
      else next.remove(path);
    }
    next.keySet().removeIf(ownership::owns);
    return next;
  }
}
