package io.kwhisk.perf.lifecycle;

import io.kwhisk.common.entity.EntityName;
import io.kwhisk.perf.load.Label;

/**
 * What {@code lifecycle} runs: {@code actions} fresh echo actions named {@code prefix-runId-0 ..},
 * one virtual user per action that starts its container with a first invoke, then, once every
 * container is up, sends {@code requests} blocking invokes one after another; the actions are
 * deleted at the end.
 *
 * @param design the label of the system under test ({@code --design})
 * @param actions A, the number of actions, containers and concurrent users ({@code --actions})
 * @param requests blocking invokes per action after its start ({@code --requests})
 * @param prefix the first part of the action names ({@code --prefix})
 * @param runId a short id unique to this run, so the actions are new and their first invokes cold
 * @param memoryMb the actions' memory limit, 0 for the platform's default ({@code --memory})
 */
public record LifecyclePlan(
    String design, int actions, int requests, String prefix, String runId, int memoryMb) {
  /** One client thread per action. */
  public static final int MAX_ACTIONS = 1000;

  public static final int DEFAULT_ACTIONS = 10;
  public static final int DEFAULT_REQUESTS = 100;
  public static final String DEFAULT_PREFIX = "perf-life";

  public LifecyclePlan {
    Label.require("--design", design);
    Label.require("--prefix", prefix);
    Label.require("run id", runId);
    if (actions < 1 || actions > MAX_ACTIONS) {
      throw new IllegalArgumentException(
          "--actions should be between 1 and "
              + MAX_ACTIONS
              + " (one client thread per action), was "
              + actions);
    }
    if (requests < 1)
      throw new IllegalArgumentException("--requests should be >= 1, was " + requests);
    if ((long) actions * (requests + 1) > Echo.MAX_REQUESTS) {
      throw new IllegalArgumentException(
          "--actions x --requests should stay under "
              + Echo.MAX_REQUESTS
              + " (each request carries a distinct n), was "
              + actions
              + " x "
              + requests);
    }
    if (memoryMb < 0)
      throw new IllegalArgumentException("--memory should be >= 0 (0: the platform's default)");
    // The fields are assigned only after this constructor: build the longest name from the
    // parameters.
    String longest = prefix + "-" + runId + "-" + (MAX_ACTIONS - 1);
    if (!EntityName.isValid(longest)) {
      throw new IllegalArgumentException(
          "--prefix "
              + prefix
              + " does not make valid action names (like "
              + longest
              + "): start it with a letter or digit and keep it under "
              + (EntityName.MAX_LENGTH - 20)
              + " characters");
    }
  }

  /** The action names are this plus {@code -0}, {@code -1}, ... */
  public String actionPrefix() {
    return prefix + "-" + runId;
  }

  public String label() {
    return design + " lifecycle actions=" + actions;
  }
}
