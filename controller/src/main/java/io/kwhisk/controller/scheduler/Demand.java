package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;

/**
 * An action, how many of its activations, produced by this controller, are not completed yet, and
 * when the oldest of them was submitted (this controller's clock), which orders actions that wait
 * for their first container.
 */
public record Demand(Action action, int outstanding, long oldestSubmittedAt) {}
