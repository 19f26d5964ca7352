package io.kwhisk.controller.scheduler;

/**
 * Sends {@link DemandReport}s to the owners of their actions. Implementations must not block the
 * caller (an actor).
 */
public interface DemandReports {
  /** For a lone controller: it owns every action, so it never reports. */
  DemandReports NONE = report -> {};

  void send(DemandReport report);
}
