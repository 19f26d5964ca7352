package io.kwhisk.controller.scheduler;

/**
 * A container creation this controller asked for and has not yet seen in a heartbeat. {@code
 * baseline} is the action's container count on that invoker, plus earlier creations still in flight
 * there, when it was asked: the creation is done when a heartbeat shows more containers than that.
 * {@code pending} once a heartbeat named it as accepted and waiting for evictions: from then on
 * that invoker's free and idle memory leave it out already.
 */
public record CreationInFlight(
    String creationId,
    int invokerId,
    String actionPath,
    int memoryMb,
    int baseline,
    long requestedAt,
    boolean pending) {

  /** A creation no heartbeat has named yet. */
  public CreationInFlight(
      String creationId,
      int invokerId,
      String actionPath,
      int memoryMb,
      int baseline,
      long requestedAt) {
    this(creationId, invokerId, actionPath, memoryMb, baseline, requestedAt, false);
  }

  CreationInFlight asPending() {
    return new CreationInFlight(
        creationId, invokerId, actionPath, memoryMb, baseline, requestedAt, true);
  }
}
