package io.kwhisk.controller.scheduler;

import io.kwhisk.common.entity.Action;

/** A decision: start one container of {@code action} on invoker {@code invokerId}. */
public record PlannedCreation(int invokerId, Action action, int baseline) {}
