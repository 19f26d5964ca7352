package io.kwhisk.controller.api;

import io.kwhisk.common.config.SchedulingMode;
import java.time.Duration;
import java.util.Set;

/**
 * What the actions API reads of its controller's configuration. The controller's configuration
 * record implements it, so the API depends on these few settings and not on the wiring package
 * (ARCHITECTURE.md: feature packages never import {@code io.kwhisk.controller}).
 */
public interface ApiSettings {
  /** This controller's number: its records go to its {@code completed<id>} topic. */
  int id();

  /** How long a blocking invoke waits for its result before answering 202. */
  Duration blockingWait();

  /** The largest request body accepted (413 beyond); the limits document shows it. */
  int maxPayloadBytes();

  /** The runtime kinds an action may declare. */
  Set<String> kinds();

  /**
   * Where activations go: the action's topic ({@code kwhisk}) or a home invoker's ({@code hash}).
   */
  SchedulingMode scheduling();

  /** The images blackbox actions may run. */
  BlackboxImages blackboxImages();
}
