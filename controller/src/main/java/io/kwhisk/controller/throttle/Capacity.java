package io.kwhisk.controller.throttle;

import io.kwhisk.common.entity.Action;

/**
 * How many containers an action has or may still get: its running and starting containers plus
 * those the healthy invokers' free memory could hold, never more than the action's {@code
 * instances}. Cheap and non-blocking (it reads the scheduler's published view).
 */
@FunctionalInterface
public interface Capacity {
  int potentialContainers(Action action);
}
