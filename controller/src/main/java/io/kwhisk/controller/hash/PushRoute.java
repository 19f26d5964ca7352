package io.kwhisk.controller.hash;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.scheduler.SchedulerView;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the baseline ("hash") mode sends an accepted activation: a {@link PushedActivation} to the
 * activation topic of the invoker {@link HomeInvoker} chooses. The completion comes back on {@code
 * completed<C>} as in kwhisk's own mode, so waiters and the activation store need nothing
 * different.
 */
public final class PushRoute {
  /** The record to produce: key = activation id. */
  public record Target(int invokerId, String topic, String key, byte[] value) {}

  private PushRoute() {}

  /** The target of {@code message}, or empty when no invoker is healthy. */
  public static Optional<Target> of(Action action, ActivationMessage message, SchedulerView view) {
    OptionalInt invoker =
        HomeInvoker.choose(
            action.namespace(), action.name(), action.limits().memory(), view.healthy().values());
    if (invoker.isEmpty()) return Optional.empty();
    int id = invoker.getAsInt();
    byte[] value = Json.encode(new PushedActivation(action, message));
    return Optional.of(
        new Target(id, Topics.invokerActivationsTopic(id), message.activationId(), value));
  }
}
