package io.kwhisk.invoker.code;

import io.kwhisk.common.entity.Action;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Gives an action its code for a container's {@code /init}: the action itself when its code is
 * inline, else the action with the code read from where its {@link io.kwhisk.common.code.CodeRef}
 * says. Called once per container, never per activation; the returned stage never completes on the
 * caller's thread with a blocking call behind it.
 */
@FunctionalInterface
public interface CodeSource {
  /**
   * Only inline code: an action stored out of line fails (tests and tools that never store large
   * code).
   */
  CodeSource INLINE =
      action ->
          action.exec().codeRef() == null
              ? CompletableFuture.completedFuture(action)
              : CompletableFuture.failedFuture(
                  new IllegalStateException("no code store to read " + action.fqn() + " from"));

  CompletionStage<Action> resolve(Action action);
}
