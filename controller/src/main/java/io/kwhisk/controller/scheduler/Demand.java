package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;

/** An action and how many of its activations, produced by this controller, are not completed yet. */
public record Demand(Action action, int outstanding) {}
