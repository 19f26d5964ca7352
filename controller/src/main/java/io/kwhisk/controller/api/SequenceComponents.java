package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.sequence.SequenceRunner;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A sequence's components run through the actions API's own path: name resolution (packages,
 * bindings, public packages of other namespaces), admission, the action's topic, a waiter for the
 * record.
 */
final class SequenceComponents implements SequenceRunner.Components {
  private final Invocations actions;
  private final PackageResolver packages;
  private final Waiters waiters;

  SequenceComponents(Invocations actions, PackageResolver packages, Waiters waiters) {
    this.actions = actions;
    this.packages = packages;
    this.waiters = waiters;
  }

  @Override
  public Optional<Action> resolve(Identity who, FullyQualifiedName component) {
    try {
      return Optional.of(packages.resolveFor(who.namespace(), component).effective());
    } catch (ApiError e) {
      return Optional.empty();
    }
  }

  @Override
  public CompletionStage<ActivationRecord> run(
      Identity who,
      Action action,
      JsonNode params,
      String activationId,
      String cause,
      String transactionId,
      Duration wait) {
    Invocations.Submitted submitted =
        actions.submit(who, action, params, true, transactionId, activationId, cause);
    return submitted
        .queued()
        .thenCompose(
            id ->
                submitted
                    .waiter()
                    .completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(
                        record -> {
                          if (record == null) waiters.cancel(id);
                          return record;
                        }));
  }
}
