package io.kwhisk.common.message;

import io.kwhisk.common.entity.Action;
import java.util.Objects;

/**
 * One activation pushed by a controller to its home invoker's topic ({@link
 * io.kwhisk.common.topic.Topics#invokerActivationsTopic}, key = activation id) in the baseline
 * ("hash") scheduling mode, the way classic OpenWhisk routes work. It carries the action (code,
 * kind, limits, revision) beside the activation because the invoker keeps no entity store: it
 * creates a container from it when none of the action's is warm. The code travels with every
 * activation, as it does with every {@link ContainerCreation}; the producer's and broker's record
 * size limit applies to both.
 */
public record PushedActivation(Action action, ActivationMessage activation) {
  public PushedActivation {
    Objects.requireNonNull(action, "action should not be null");
    Objects.requireNonNull(activation, "activation should not be null");
  }
}
