package io.kwhisk.controller.scheduler;

/**
 * A container creation this controller asked for and has not yet seen in a heartbeat. {@code baseline} is the
 * action's container count on that invoker, plus earlier creations still in flight there, when it was asked: the
 * creation is done when a heartbeat shows more containers than that.
 */
public record CreationInFlight(
    String creationId, int invokerId, String actionPath, int memoryMb, int baseline, long requestedAt) {}
