package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;

/**
 * An action, how many of its activations, produced by this controller, are not completed yet, when
 * the oldest of them was submitted (this controller's clock), which orders actions that wait for
 * their first container, and how long its runs typically take ({@link RunTimes}; negative while
 * unknown), which sizes its scale-out.
 */
public record Demand(Action action, int outstanding, long oldestSubmittedAt, double typicalRunMs) {
  /** A demand whose run time is not known yet. */
  public Demand(Action action, int outstanding, long oldestSubmittedAt) {
    this(action, outstanding, oldestSubmittedAt, RunTimes.UNKNOWN);
  }
}
