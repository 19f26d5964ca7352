package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;

/**
 * What a controller that does not own {@code action} tells its owner (on the scheduling topic,
 * keyed by the action's path): how many of the action's activations it produced are not completed
 * yet, and when the oldest was submitted (its clock). It is sent on the first activation (so the
 * first container is not delayed), whenever the count changes (at most once a tick) and once a
 * second while it is above 0; 0 says "nothing any more".
 */
public record DemandReport(
    int controllerId, Action action, int outstanding, long oldestSubmittedAt) {}
